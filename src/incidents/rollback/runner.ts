import { rollbackSources } from '../../domain/rollback';
import { AppError, asAppError } from '../../errors';
import type { RollbackEvent, RollbackRecord } from '../../ports';
import type { RollbackResult } from '../../rollback/deployer';
import { findTarget, type RollbackDeps, rollbackAudit, rollbackContext, tell } from './deps';
import { failureSummary } from './failure-summary';
import { withTimeout } from './prepare';

const MAX_PROGRESS_LINES = 20;

type Say = (event: RollbackEvent) => Promise<void>;

export interface RollbackRunner {
  /**
   * Moves an approved request to running (audited rollback.started) and runs the backend in the background,
   * off the Slack request path. false when another caller (a double click, a replica) started it first.
   */
  start(record: RollbackRecord, actor: string): Promise<boolean>;
  /** Whether this process is running the request now. */
  isRunning(id: string): boolean;
  /** Resolves once every rollback started here has ended. */
  idle(): Promise<void>;
  /** Gives running rollbacks shutdownGraceMs to end, then reports the rest as interrupted. */
  stop(): Promise<void>;
}

export function createRollbackRunner(deps: RollbackDeps): RollbackRunner {
  const log = deps.logger.child({ module: 'rollback-runner' });
  const running = new Map<string, { record: RollbackRecord; done: Promise<void>; say: Say }>();

  /** Events of one run are told one after the other, in order, without holding up the backend. */
  function orderedTeller() {
    let chain: Promise<void> = Promise.resolve();
    const say: Say = (event) => {
      chain = chain.then(() => tell(deps, event));
      return chain;
    };
    return { say, settled: () => chain };
  }

  async function run(record: RollbackRecord, actor: string, teller: ReturnType<typeof orderedTeller>) {
    const { say } = teller;
    const startedAt = deps.clock.now().getTime();
    let lines = 0;
    let last = '';
    const progress = (line: string) => {
      if (line === last) return;
      last = line;
      lines++;
      if (lines <= MAX_PROGRESS_LINES) say({ kind: 'rollback.progress', record, line });
      else if (lines === MAX_PROGRESS_LINES + 1) say({ kind: 'rollback.progress_cut', record });
    };
    const heartbeat = setInterval(() => {
      deps.rollbacks.heartbeat(record.id).catch((err) => log.warn({ err }, 'rollback heartbeat failed'));
    }, deps.options.heartbeatMs);
    heartbeat.unref();
    const seconds = () => (deps.clock.now().getTime() - startedAt) / 1000;

    say({ kind: 'rollback.started', record });
    let finished: RollbackRecord | null = null;
    let result: RollbackResult | undefined;
    let failure: AppError | undefined;
    try {
      const target = findTarget(deps, record.target);
      if (!target)
        throw new AppError('ROLLBACK_CONFIG', `target ${record.target} is no longer declared in the rules`);
      const group = await deps.alerts.getGroupToShow(record.groupId, 0);
      if (!group) throw new AppError('ROLLBACK_CONFIG', `alert group ${record.groupId} is gone`);
      const deployer = deps.deployerFor(target);
      result = await withTimeout(
        deployer.rollback(rollbackContext(target, actor, record.id, group), progress),
        deps.options.timeoutMs,
        `mogo stopped waiting for ${target.backend} after ${Math.round(deps.options.timeoutMs / 1000)}s`,
      );
    } catch (e) {
      failure = asAppError(e);
    }
    clearInterval(heartbeat);
    try {
      if (result) {
        finished = await deps.rollbacks.transition(
          record.id,
          rollbackSources('succeeded'),
          'succeeded',
          { summary: result.summary, details: { result: result.details } },
          [
            rollbackAudit('rollback.succeeded', actor, record, {
              summary: result.summary,
              result: result.details,
            }),
          ],
        );
        if (finished)
          say({ kind: 'rollback.succeeded', record, summary: result.summary, seconds: seconds() });
      } else if (failure) {
        const summary = failureSummary(failure);
        log.warn({ err: failure, requestId: record.id, target: record.target }, 'rollback failed');
        const failed = { code: failure.code, error: failure.message, ...(failure.details ?? {}) };
        finished = await deps.rollbacks.transition(
          record.id,
          rollbackSources('failed'),
          'failed',
          { summary, details: { failure: failed } },
          [rollbackAudit('rollback.failed', actor, record, { reason: 'backend', summary, ...failed })],
        );
        if (finished) say({ kind: 'rollback.failed', record, summary });
      }
      if (finished) deps.metrics?.finished(record.backend, finished.state, seconds());
    } catch (err) {
      // Recording the end failed (database down): the heartbeat has stopped, so the sweeper will report it.
      log.error({ err, requestId: record.id }, 'could not record the end of a rollback');
    }
    deps.onChanged();
    await teller.settled();
  }

  return {
    async start(record, actor) {
      const started = await deps.rollbacks.transition(record.id, rollbackSources('running'), 'running', {}, [
        rollbackAudit('rollback.started', actor, record, {
          requestedBy: record.requestedBy,
          approvedBy: record.approvedBy,
          plan: record.plan,
        }),
      ]);
      if (!started) return false;
      deps.onChanged();
      const teller = orderedTeller();
      const done = run(started, actor, teller)
        .catch((err) => log.error({ err, requestId: record.id }, 'rollback run crashed'))
        .finally(() => running.delete(record.id));
      running.set(record.id, { record: started, done, say: teller.say });
      return true;
    },

    isRunning: (id) => running.has(id),

    async idle() {
      while (running.size > 0) await Promise.allSettled([...running.values()].map((r) => r.done));
    },

    async stop() {
      if (running.size === 0) return;
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((r) => {
        timer = setTimeout(r, deps.options.shutdownGraceMs);
      });
      await Promise.race([Promise.allSettled([...running.values()].map((r) => r.done)), grace]);
      clearTimeout(timer);
      // told after what the run already said (its progress may still be on its way)
      for (const { record, say } of running.values()) await interrupt(deps, record, 'shutdown', say);
    },
  };
}

/** Reports a running (or approved, never started) request whose outcome mogo cannot know. */
export async function interrupt(
  deps: RollbackDeps,
  record: RollbackRecord,
  why: 'shutdown' | 'lost',
  say: Say = (event) => tell(deps, event),
): Promise<boolean> {
  const summary =
    why === 'shutdown'
      ? 'Interrupted: mogo was shut down while the backend was working; check the backend.'
      : 'Interrupted: the mogo process running it stopped; check the backend.';
  try {
    const done = await deps.rollbacks.transition(
      record.id,
      rollbackSources('interrupted'),
      'interrupted',
      { summary, details: { interrupted: why } },
      [rollbackAudit('rollback.failed', 'mogo', record, { reason: 'interrupted', cause: why, summary })],
    );
    if (!done) return false;
    const since = (done.startedAt ?? done.requestedAt).getTime();
    deps.metrics?.finished(record.backend, 'interrupted', (deps.clock.now().getTime() - since) / 1000);
    deps.onChanged();
    await say({ kind: 'rollback.interrupted', record, cause: why });
    return true;
  } catch (err) {
    deps.logger.error({ err, requestId: record.id }, 'could not report an interrupted rollback');
    return false;
  }
}
