import { createStaticDirectory } from '../../test/fakes/directory';
import type { Directory } from '../ports';
import { checkAccess, rolesGranting, targetPatternMatches } from './access';
import { type RoleConfig, RoleSchema } from './config-schema';

const role = (r: Record<string, unknown>): RoleConfig => RoleSchema.parse(r);

const ROLES: RoleConfig[] = [
  role({
    name: 'sre',
    usergroups: ['SSRE'],
    permissions: [
      { action: 'rollback', targets: ['*'] },
      { action: 'approve', targets: ['*'], environments: ['production'] },
    ],
  }),
  role({ name: 'shop-devs', users: ['UDEV'], permissions: [{ action: 'rollback', targets: ['shop-*'] }] }),
  role({
    name: 'staging-only',
    users: ['USTAGE'],
    permissions: [{ action: 'rollback', targets: ['api'], environments: ['staging'] }],
  }),
];
const API_PROD = { name: 'api', environment: 'production' };
const directory = createStaticDirectory({ SSRE: ['UALICE', 'UBOB'] });

describe('targetPatternMatches', () => {
  it.each([
    ['*', 'anything', true],
    ['shop-*', 'shop-api', true],
    ['shop-*', 'shop-', true],
    ['shop-*', 'shopping', false],
    ['api', 'api', true],
    ['api', 'api-2', false],
  ])('%s vs %s -> %s', (pattern, target, expected) => {
    expect(targetPatternMatches(pattern, target)).toBe(expected);
  });
});

describe('rolesGranting', () => {
  it('filters by permission, target pattern and environment', () => {
    expect(rolesGranting(ROLES, 'rollback', { name: 'shop-api', environment: 'production' })).toEqual([
      ROLES[0],
      ROLES[1],
    ]);
    expect(rolesGranting(ROLES, 'rollback', API_PROD).map((r) => r.name)).toEqual(['sre']);
    expect(
      rolesGranting(ROLES, 'rollback', { name: 'api', environment: 'staging' }).map((r) => r.name),
    ).toEqual(['sre', 'staging-only']);
    expect(rolesGranting(ROLES, 'approve', { name: 'api', environment: 'staging' })).toEqual([]);
  });
});

describe('checkAccess', () => {
  it('denies by default: no roles at all', async () => {
    const d = await checkAccess(directory, [], 'UALICE', 'rollback', API_PROD);
    expect(d).toEqual({
      allowed: false,
      denial: {
        reason: 'no_role',
        action: { kind: 'rollback', target: 'api', environment: 'production' },
        roles: [],
      },
    });
  });

  it('allows a user listed in a granting role without asking Slack', async () => {
    const never: Directory = { usergroupMembers: jest.fn(async () => []) };
    const d = await checkAccess(never, ROLES, 'UDEV', 'rollback', {
      name: 'shop-api',
      environment: 'production',
    });
    expect(d).toEqual({ allowed: true, role: 'shop-devs', via: 'user' });
    expect(never.usergroupMembers).not.toHaveBeenCalled();
  });

  it('allows members of a granting role’s user group', async () => {
    expect(await checkAccess(directory, ROLES, 'UBOB', 'approve', API_PROD)).toEqual({
      allowed: true,
      role: 'sre',
      via: 'usergroup',
    });
  });

  it('denies a user in no granting role, naming the roles that would do', async () => {
    const d = await checkAccess(directory, ROLES, 'UDEV', 'rollback', API_PROD);
    expect(d).toMatchObject({ allowed: false, denial: { reason: 'not_a_member', roles: ['sre'] } });
  });

  it('honours environments: a staging permission does not reach production', async () => {
    expect((await checkAccess(directory, ROLES, 'USTAGE', 'rollback', API_PROD)).allowed).toBe(false);
    const staging = { name: 'api', environment: 'staging' };
    expect((await checkAccess(directory, ROLES, 'USTAGE', 'rollback', staging)).allowed).toBe(true);
  });

  it('keeps rollback and approve apart', async () => {
    const d = await checkAccess(directory, ROLES, 'UDEV', 'approve', {
      name: 'shop-api',
      environment: 'production',
    });
    expect(d).toMatchObject({ allowed: false, denial: { reason: 'not_a_member', roles: ['sre'] } });
  });

  it('fails closed when Slack cannot say who is in a user group', async () => {
    const down: Directory = {
      usergroupMembers: async () => {
        throw new Error('slack down');
      },
    };
    expect(await checkAccess(down, ROLES, 'UALICE', 'rollback', API_PROD)).toMatchObject({
      allowed: false,
      denial: { reason: 'directory_unavailable' },
    });
  });
});
