import type { NewRollback } from '../../ports';
import { findTarget, OK, type Outcome, type RollbackDeps, rollbackAudit, tell } from './deps';
import { authorize, isOverdue } from './prepare';
import type { RollbackRunner } from './runner';
import { expireRequest } from './sweep';

export interface SubmitInput {
  groupId: string;
  /** The target the dialog named; it must still be the group's target. */
  target: string;
  /** Made when the dialog opened: a double submit is recognised by it. */
  requestId: string;
  /** What the dialog showed, for the record. */
  plan: string | null;
  /** The Slack user id Slack signed the submission for. */
  user: string;
  /** Why, when the request came from `/incident rollback <target> <reason>`. */
  reason?: string;
}

/**
 * The confirmed dialog: re-checks the target and the user's permission (the dialog may have been open for a
 * while; roles may have changed), records the request and then either waits for approval (two-person rule) or
 * starts the rollback. A target already held gets the holder named back, and an audited denial.
 */
export async function submitRollback(
  deps: RollbackDeps,
  runner: RollbackRunner,
  input: SubmitInput,
): Promise<Outcome> {
  const group = await deps.alerts.getGroupToShow(input.groupId, 0);
  if (!group) return { kind: 'group_gone' };
  const target = findTarget(deps, group.routing.rollbackTarget);
  if (!target) return { kind: 'no_target' };
  if (target.name !== input.target) return { kind: 'target_changed' };
  const denied = await authorize(deps, input.user, 'rollback', group.id, target, input.requestId);
  if (denied) return denied;

  const needsApproval = target.approval;
  const expiresAt = needsApproval ? new Date(deps.clock.now().getTime() + deps.options.approvalTtlMs) : null;
  const request: NewRollback = {
    id: input.requestId,
    groupId: group.id,
    target: target.name,
    backend: target.backend,
    environment: target.environment,
    requestedBy: input.user,
    state: needsApproval ? 'pending' : 'approved',
    expiresAt,
    plan: input.plan,
  };
  const audit = [
    rollbackAudit('rollback.requested', input.user, request, {
      plan: input.plan,
      ...(input.reason ? { reason: input.reason } : {}),
      approvalRequired: needsApproval,
      expiresAt: expiresAt?.toISOString() ?? null,
    }),
  ];
  let result = await deps.rollbacks.create(request, audit);
  if (!result.created && result.active.id !== request.id && isOverdue(deps, result.active)) {
    await expireRequest(deps, result.active);
    result = await deps.rollbacks.create(request, audit);
  }
  if (!result.created) {
    const { active } = result;
    if (active.id === request.id) return OK; // the same submission twice: the first one handles it
    deps.audit.append(
      rollbackAudit('rollback.denied', input.user, request, {
        reason: 'busy',
        activeRequestId: active.id,
        activeState: active.state,
        heldBy: active.requestedBy,
      }),
    );
    deps.metrics?.decided('busy');
    return { kind: 'busy', active };
  }

  deps.metrics?.decided('requested');
  deps.onChanged();
  if (needsApproval) {
    await tell(deps, { kind: 'rollback.pending', record: result.record });
    return OK;
  }
  await runner.start(result.record, input.user);
  return OK;
}
