import { type Incident, mayHoldRole } from '../../domain/incident';
import type { Directory } from '../../ports';
import { type Denial, memberOf } from '../../rollback/access';
import type { RoleConfig } from '../../rollback/config-schema';

export type IncidentPermission = 'declare' | 'incident_admin';

export type IncidentAccess = { allowed: true } | { allowed: false; denial: Denial };

function granting(roles: readonly RoleConfig[], permission: IncidentPermission): RoleConfig[] {
  return roles.filter((r) => r.permissions.some((p) => p.action === permission));
}

/** Declaring is open to the workspace unless a role grants `declare`; then only its members may. */
export async function mayDeclare(
  directory: Directory,
  roles: readonly RoleConfig[],
  user: string,
): Promise<IncidentAccess> {
  const g = granting(roles, 'declare');
  if (g.length === 0) return { allowed: true };
  const d = await memberOf(directory, g, user, { kind: 'declare' });
  return d.allowed ? { allowed: true } : d;
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
  const d = await memberOf(directory, granting(roles, 'incident_admin'), user, {
    kind: 'steer',
    lead: incident.roles.lead,
  });
  return d.allowed ? { allowed: true } : d;
}
