import type { Directory } from '../ports';
import type { RoleConfig, RollbackTargetConfig } from './config-schema';

/** What a role can grant: start a rollback of a target, or approve someone else's (two-person rule). */
export type RollbackPermission = 'rollback' | 'approve';

/** What a refused user tried to do, as data: only slack/ (or another surface) words it. */
export type GuardedAction =
  | { kind: 'rollback' | 'approve'; target: string; environment: string }
  | { kind: 'ack' | 'silence' | 'declare' }
  /** Steering an incident: open to its lead and role holders (and incident admins). */
  | { kind: 'steer'; lead: string | undefined };

/**
 * Why not: no role grants the action at all, the user holds none of the `roles` that do, or their Slack user
 * groups could not be read just now (fail closed).
 */
export interface Denial {
  reason: 'no_role' | 'not_a_member' | 'directory_unavailable';
  action: GuardedAction;
  /** The roles that would grant it (empty for no_role). */
  roles: string[];
}

export type AccessDecision =
  | { allowed: true; role: string; via: 'user' | 'usergroup' }
  | { allowed: false; denial: Denial };

/** "*" matches every target; a trailing "*" is a prefix ("shop-*"); anything else is the exact name. */
export function targetPatternMatches(pattern: string, target: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('*')) return target.startsWith(pattern.slice(0, -1));
  return pattern === target;
}

/** The roles holding `permission` for the target's name and environment, in declaration order. Pure. */
export function rolesGranting(
  roles: readonly RoleConfig[],
  permission: RollbackPermission,
  target: Pick<RollbackTargetConfig, 'name' | 'environment'>,
): RoleConfig[] {
  return roles.filter((role) =>
    role.permissions.some(
      (p) =>
        p.action === permission &&
        p.targets.some((pattern) => targetPatternMatches(pattern, target.name)) &&
        (p.environments === undefined || p.environments.includes(target.environment)),
    ),
  );
}

/**
 * Default deny: `user` (the Slack user id Slack signed the request for) may act only when a role granting the
 * permission lists them, directly or through a Slack user group. User ids are checked first, so most decisions
 * need no Slack call; a user group that cannot be resolved denies (fail closed).
 */
export async function checkAccess(
  directory: Directory,
  roles: readonly RoleConfig[],
  user: string,
  permission: RollbackPermission,
  target: Pick<RollbackTargetConfig, 'name' | 'environment'>,
): Promise<AccessDecision> {
  const granting = rolesGranting(roles, permission, target);
  const action: GuardedAction = { kind: permission, target: target.name, environment: target.environment };
  if (granting.length === 0) return { allowed: false, denial: { reason: 'no_role', action, roles: [] } };
  return memberOf(directory, granting, user, action);
}

/** What the incident console asks of roles: acknowledge, silence. */
export type ConsolePermission = 'ack' | 'silence';

/**
 * Acknowledging and silencing are open to everyone until some role declares the permission; from then on only
 * the roles holding it may (default deny, checked like rollbacks: user ids first, then Slack user groups).
 */
export async function checkConsoleAccess(
  directory: Directory,
  roles: readonly RoleConfig[],
  user: string,
  permission: ConsolePermission,
): Promise<AccessDecision | { allowed: true; role: null; via: 'open' }> {
  const granting = roles.filter((r) => r.permissions.some((p) => p.action === permission));
  if (granting.length === 0) return { allowed: true, role: null, via: 'open' };
  return memberOf(directory, granting, user, { kind: permission });
}

/** Whether `user` holds one of the granting roles; the refusal says what they could not do (`action`). */
export async function memberOf(
  directory: Directory,
  granting: readonly RoleConfig[],
  user: string,
  action: GuardedAction,
): Promise<AccessDecision> {
  const direct = granting.find((r) => r.users.includes(user));
  if (direct) return { allowed: true, role: direct.name, via: 'user' };
  let unavailable = false;
  for (const role of granting) {
    for (const group of role.usergroups) {
      try {
        if ((await directory.usergroupMembers(group)).includes(user))
          return { allowed: true, role: role.name, via: 'usergroup' };
      } catch {
        unavailable = true;
      }
    }
  }
  const roles = granting.map((r) => r.name);
  return {
    allowed: false,
    denial: { reason: unavailable ? 'directory_unavailable' : 'not_a_member', action, roles },
  };
}
