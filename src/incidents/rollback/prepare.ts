import { randomUUID } from 'node:crypto';
import type { AlertGroup } from '../../domain/group';
import { AppError, asAppError } from '../../errors';
import { checkAccess, type RollbackPermission } from '../../rollback/access';
import type { RollbackTargetConfig } from '../../rollback/config-schema';
import type { RollbackPlan } from '../../rollback/deployer';
import { findTarget, type Refusal, type RollbackDeps, rollbackAudit, rollbackContext } from './deps';

export type Prepared =
  | { kind: 'ok'; group: AlertGroup; target: RollbackTargetConfig; requestId: string }
  | Refusal;

export type Planned = { kind: 'ok'; plan: RollbackPlan } | { kind: 'plan_failed'; error: string };

/**
 * A click on Rollback: the group's declared target, the clicking user's permission (denials audited), and
 * whether the target is free. On success the caller opens the confirmation dialog for a new request id.
 */
export async function prepareRollback(
  deps: RollbackDeps,
  input: { groupId: string; user: string },
): Promise<Prepared> {
  // the summary is enough (target, labels, alert name): a click on a 10,000-alert group reads no alert rows
  const group = await deps.alerts.getGroupToShow(input.groupId, 0);
  if (!group) return { kind: 'group_gone' };
  const target = findTarget(deps, group.routing.rollbackTarget);
  if (!target) return { kind: 'no_target' };
  const denied = await authorize(deps, input.user, 'rollback', group.id, target);
  if (denied) return denied;
  const active = await deps.rollbacks.activeFor(target.name);
  if (active && !isOverdue(deps, active)) return { kind: 'busy', active };
  return { kind: 'ok', group, target, requestId: randomUUID() };
}

/** The backend's read-only look at what the rollback would do, bounded by planTimeoutMs. */
export async function planRollback(
  deps: RollbackDeps,
  prepared: { group: AlertGroup; target: RollbackTargetConfig; requestId: string },
  user: string,
): Promise<Planned> {
  try {
    const deployer = deps.deployerFor(prepared.target);
    const ctx = rollbackContext(prepared.target, user, prepared.requestId, prepared.group);
    const plan = await withTimeout(
      deployer.plan(ctx),
      deps.options.planTimeoutMs,
      `${prepared.target.backend} did not say what it would do within ${Math.round(deps.options.planTimeoutMs / 1000)}s`,
    );
    return { kind: 'ok', plan };
  } catch (e) {
    const err = asAppError(e);
    deps.logger.warn({ err, target: prepared.target.name }, 'rollback plan failed');
    return { kind: 'plan_failed', error: err.message };
  }
}

/**
 * null when `user` holds `permission` on the target; otherwise the denial, already audited as rollback.denied.
 * Only the user id Slack signed for is ever passed here.
 */
export async function authorize(
  deps: RollbackDeps,
  user: string,
  permission: RollbackPermission,
  groupId: string,
  target: RollbackTargetConfig,
  requestId?: string,
): Promise<Refusal | null> {
  const decision = await checkAccess(deps.directory, deps.rules.current().roles, user, permission, target);
  if (decision.allowed) return null;
  const subject = {
    id: requestId,
    groupId,
    target: target.name,
    backend: target.backend,
    environment: target.environment,
  };
  deps.audit.append(
    rollbackAudit('rollback.denied', user, subject, { permission, reason: decision.denial.reason }),
  );
  deps.metrics?.decided('denied');
  return { kind: 'denied', denial: decision.denial };
}

/** A pending request past its expiry no longer holds the target, even before the sweeper closed it. */
export function isOverdue(
  deps: Pick<RollbackDeps, 'clock'>,
  r: { state: string; expiresAt: Date | null },
): boolean {
  return r.state === 'pending' && r.expiresAt !== null && r.expiresAt.getTime() <= deps.clock.now().getTime();
}

/** Rejects with ROLLBACK_TIMEOUT when `p` has not settled within `ms`. */
export function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AppError('ROLLBACK_TIMEOUT', message)), ms);
    timer.unref();
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
