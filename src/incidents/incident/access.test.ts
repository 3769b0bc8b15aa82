import type { RoleConfig } from '../../rollback/config-schema';
import { mayDeclare, maySteer } from './access';

const role = (
  name: string,
  action: 'declare' | 'incident_admin' | 'rollback',
  users: string[],
  usergroups: string[] = [],
): RoleConfig => ({
  name,
  users,
  usergroups,
  permissions: [{ action, targets: ['*'] }],
});
const directory = (members: Record<string, string[]>, down = false) => ({
  usergroupMembers: async (id: string) => {
    if (down) throw new Error('slack down');
    return members[id] ?? [];
  },
});
const incident = { roles: { lead: 'ULEAD', comms: 'UCOMMS' } };

describe('incident access', () => {
  it('declaring is open until a role grants declare; then its users and user groups only', async () => {
    expect(await mayDeclare(directory({}), [role('deployers', 'rollback', ['UX'])], 'UANY')).toEqual({
      allowed: true,
    });
    const roles = [role('responders', 'declare', ['UALICE'], ['SONCALL'])];
    expect(await mayDeclare(directory({ SONCALL: ['UBOB'] }), roles, 'UALICE')).toEqual({ allowed: true });
    expect(await mayDeclare(directory({ SONCALL: ['UBOB'] }), roles, 'UBOB')).toEqual({ allowed: true });
    const no = await mayDeclare(directory({ SONCALL: ['UBOB'] }), roles, 'UEVE');
    expect(no).toEqual({
      allowed: false,
      denial: { reason: 'not_a_member', action: { kind: 'declare' }, roles: ['responders'] },
    });
    expect(await mayDeclare(directory({}, true), roles, 'UEVE')).toMatchObject({
      allowed: false,
      denial: { reason: 'directory_unavailable' },
    });
  });

  it('steering is open until incident permissions are declared; then lead, role holders and incident admins', async () => {
    expect(await maySteer(directory({}), [], incident, 'UANY')).toEqual({ allowed: true });
    const roles = [role('admins', 'incident_admin', [], ['SADMINS'])];
    const d = directory({ SADMINS: ['UADMIN'] });
    expect(await maySteer(d, roles, incident, 'ULEAD')).toEqual({ allowed: true });
    expect(await maySteer(d, roles, incident, 'UCOMMS')).toEqual({ allowed: true });
    expect(await maySteer(d, roles, incident, 'UADMIN')).toEqual({ allowed: true });
    expect(await maySteer(d, roles, incident, 'UEVE')).toMatchObject({
      allowed: false,
      denial: { reason: 'not_a_member', action: { kind: 'steer', lead: 'ULEAD' }, roles: ['admins'] },
    });
  });
});
