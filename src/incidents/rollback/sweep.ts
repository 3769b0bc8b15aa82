import { rollbackSources } from '../../domain/rollback';
import type { RollbackRecord } from '../../ports';
import { type RollbackDeps, rollbackAudit, tell } from './deps';
import { interrupt, type RollbackRunner } from './runner';

/** Closes a pending request nobody approved in time (audited rollback.expired). false if it had moved on. */
export async function expireRequest(deps: RollbackDeps, record: RollbackRecord): Promise<boolean> {
  const done = await deps.rollbacks.transition(
    record.id,
    rollbackSources('expired'),
    'expired',
    { summary: 'Expired without approval' },
    [
      rollbackAudit('rollback.expired', 'mogo', record, {
        requestedBy: record.requestedBy,
        expiresAt: record.expiresAt?.toISOString() ?? null,
      }),
    ],
  );
  if (!done) return false;
  deps.metrics?.decided('expired');
  deps.onChanged();
  await tell(deps, { kind: 'rollback.expired', record });
  return true;
}

/**
 * The periodic job (and the start-up check): expires pending requests past their time, and reports as
 * interrupted every approved or running request whose process stopped showing signs of life (a crash or a
 * restart), so no rollback ever stalls silently. Requests this process is running are left alone.
 */
export async function sweepRollbacks(
  deps: RollbackDeps,
  runner: Pick<RollbackRunner, 'isRunning'>,
): Promise<{ expired: number; interrupted: number }> {
  let expired = 0;
  let interrupted = 0;
  for (const r of await deps.rollbacks.listExpired()) if (await expireRequest(deps, r)) expired++;
  for (const r of await deps.rollbacks.listStale(deps.options.staleMs)) {
    if (runner.isRunning(r.id)) continue;
    if (await interrupt(deps, r, 'lost')) interrupted++;
  }
  if (expired + interrupted > 0) deps.logger.info({ expired, interrupted }, 'rollback sweep');
  return { expired, interrupted };
}
