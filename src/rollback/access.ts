import type { Directory } from '../ports';
import type { RoleConfig, RollbackTargetConfig } from './config-schema';

/** What a role can grant: start a rollback of a target, or approve someone else's (two-person rule). */
export type RollbackPermission = 'rollback' | 'approve';

export type AccessDecision =
  | { allowed: true; role: string; via: 'user' | 'usergroup' }
  | { allowed: false; reason: 'no_role' | 'not_a_member' | 'directory_unavailable'; message: string };

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
  const what = `${permission === 'approve' ? 'approve rollbacks of' : 'roll back'} ${target.name} (${target.environment})`;
  if (granting.length === 0) {
    return { allowed: false, reason: 'no_role', message: `No role may ${what}.` };
  }
  return memberOf(directory, granting, user, what);
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
  const what = permission === 'ack' ? 'acknowledge alerts' : 'silence alerts';
  return memberOf(directory, granting, user, what);
}

/** Whether `user` holds one of the granting roles; the refusal says what they could not do (`what`). */
async function memberOf(
  directory: Directory,
  granting: readonly RoleConfig[],
  user: string,
  what: string,
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
  if (unavailable)
    return {
      allowed: false,
      reason: 'directory_unavailable',
      message: `mogo could not check your Slack user groups just now, so it cannot let you ${what}. Try again in a minute.`,
    };
  const names = granting.map((r) => r.name).join(', ');
  return { allowed: false, reason: 'not_a_member', message: `You need a role that may ${what} (${names}).` };
}
