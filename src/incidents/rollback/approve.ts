import { rollbackSources } from '../../domain/rollback';
import type { RollbackRecord } from '../../ports';
import { findTarget, OK, type Outcome, type Refusal, type RollbackDeps, rollbackAudit, tell } from './deps';
import { authorize, isOverdue } from './prepare';
import type { RollbackRunner } from './runner';
import { expireRequest } from './sweep';

type Checked = { kind: 'ok'; record: RollbackRecord } | Refusal;

async function pendingRequest(deps: RollbackDeps, requestId: string): Promise<Checked> {
  const record = await deps.rollbacks.get(requestId);
  if (!record) return { kind: 'request_gone' };
  if (record.state !== 'pending') return { kind: 'not_pending', record };
  if (isOverdue(deps, record)) {
    await expireRequest(deps, record);
    return { kind: 'expired', record };
  }
  return { kind: 'ok', record };
}

/**
 * The second person of the two-person rule. The server enforces that the approver is not the requester and
 * holds `approve` on the target; exactly one approval wins, and it starts the rollback.
 */
export async function approveRollback(
  deps: RollbackDeps,
  runner: RollbackRunner,
  input: { requestId: string; user: string },
): Promise<Outcome> {
  const checked = await pendingRequest(deps, input.requestId);
  if (checked.kind !== 'ok') return checked;
  const { record } = checked;
  const target = findTarget(deps, record.target);
  if (!target) return { kind: 'no_target' };
  if (input.user === record.requestedBy) {
    deps.audit.append(
      rollbackAudit('rollback.denied', input.user, record, {
        permission: 'approve',
        reason: 'self_approval',
      }),
    );
    deps.metrics?.decided('denied');
    return { kind: 'self_approval' };
  }
  const denied = await authorize(deps, input.user, 'approve', record.groupId, target, record.id);
  if (denied) return denied;

  const approved = await deps.rollbacks.transition(
    record.id,
    rollbackSources('approved'),
    'approved',
    { approvedBy: input.user },
    [rollbackAudit('rollback.approved', input.user, record, { requestedBy: record.requestedBy })],
  );
  if (!approved) return noLongerPending(deps, record.id);
  deps.metrics?.decided('approved');
  deps.onChanged();
  await runner.start(approved, input.user);
  return OK;
}

/** Withdraws a pending request: its requester, or anyone who may approve it (then it reads "rejected"). */
export async function cancelRollback(
  deps: RollbackDeps,
  input: { requestId: string; user: string },
): Promise<Outcome> {
  const checked = await pendingRequest(deps, input.requestId);
  if (checked.kind !== 'ok') return checked;
  const { record } = checked;
  const own = input.user === record.requestedBy;
  if (!own) {
    const target = findTarget(deps, record.target);
    if (!target) return { kind: 'no_target' };
    const denied = await authorize(deps, input.user, 'approve', record.groupId, target, record.id);
    if (denied) return denied;
  }
  const reason = own ? 'cancelled' : 'rejected';
  const summary = own ? 'Cancelled by the requester' : 'Rejected by an approver';
  const done = await deps.rollbacks.transition(
    record.id,
    rollbackSources('denied'),
    'denied',
    { cancelledBy: input.user, summary },
    [rollbackAudit('rollback.denied', input.user, record, { reason, requestedBy: record.requestedBy })],
  );
  if (!done) return noLongerPending(deps, record.id);
  deps.metrics?.decided('cancelled');
  deps.onChanged();
  await tell(deps, { kind: 'rollback.cancelled', record, by: input.user });
  return OK;
}

/** Someone else decided first (or it expired): say what became of the request. */
async function noLongerPending(deps: RollbackDeps, id: string): Promise<Outcome> {
  const now = await deps.rollbacks.get(id);
  return now ? { kind: 'not_pending', record: now } : { kind: 'request_gone' };
}
