import { type Incident, mayHoldRole } from '../../domain/incident';
import type { Directory } from '../../ports';
import type { RoleConfig } from '../../rollback/config-schema';

export type IncidentPermission = 'declare' | 'incident_admin';

export type IncidentAccess = { allowed: true } | { allowed: false; message: string };

function granting(roles: readonly RoleConfig[], permission: IncidentPermission): RoleConfig[] {
  return roles.filter((r) => r.permissions.some((p) => p.action === permission));
}

async function holds(
  directory: Directory,
  roles: readonly RoleConfig[],
  user: string,
): Promise<boolean | 'unknown'> {
  if (roles.some((r) => r.users.includes(user))) return true;
  let unknown = false;
  for (const role of roles)
    for (const group of role.usergroups) {
      try {
        if ((await directory.usergroupMembers(group)).includes(user)) return true;
      } catch {
        unknown = true;
      }
    }
  return unknown ? 'unknown' : false;
}

/** Declaring is open to the workspace unless a role grants `declare`; then only its members may. */
export async function mayDeclare(
  directory: Directory,
  roles: readonly RoleConfig[],
  user: string,
): Promise<IncidentAccess> {
  const g = granting(roles, 'declare');
  if (g.length === 0) return { allowed: true };
  const r = await holds(directory, g, user);
  if (r === true) return { allowed: true };
  if (r === 'unknown')
    return {
      allowed: false,
      message: 'mogo could not check your Slack user groups just now; try again in a minute.',
    };
  return {
    allowed: false,
    message: `Declaring an incident needs a role with the declare permission (${g.map((x) => x.name).join(', ')}).`,
  };
}

/**
 * Steering (severity, status, roles, rename, resolve, close) is open while the rule files declare no incident
 * permission; once they do, only the incident's lead and role holders, and roles granting `incident_admin`.
 */
export async function maySteer(
  directory: Directory,
  roles: readonly RoleConfig[],
  incident: Pick<Incident, 'roles'>,
  user: string,
): Promise<IncidentAccess> {
  const declared = granting(roles, 'declare').length > 0 || granting(roles, 'incident_admin').length > 0;
  if (!declared || mayHoldRole(incident, user)) return { allowed: true };
  if ((await holds(directory, granting(roles, 'incident_admin'), user)) === true) return { allowed: true };
  const lead = incident.roles.lead;
  return {
    allowed: false,
    message: `Only the incident's lead${lead ? ` (<@${lead}>)` : ''} and role holders (or an incident admin) can change that.`,
  };
}
