import { isAppError } from '../../errors';
import type { IncidentDeps } from './deps';
import { runStep } from './setup';

export interface SetupWorkerOptions {
  /** How long a taken step is held before another worker may take it (a killed process's step). */
  leaseMs: number;
  /** How often the worker looks for due steps when nobody kicks it. */
  pollMs: number;
}

export const DEFAULT_SETUP_OPTIONS: SetupWorkerOptions = { leaseMs: 15_000, pollMs: 1_000 };

export interface SetupWorker {
  start(): void;
  /** Look for work now (a declaration or a change scheduled steps). */
  kick(): void;
  /** Runs due steps until none is left; resolves with how many ran (tests, and the loop itself). */
  drain(): Promise<number>;
  stop(): Promise<void>;
}

const backoffMs = (attempts: number) => Math.min(60_000, 1_000 * 2 ** Math.max(0, attempts - 1));
const GIVE_UP_AFTER = 8;

/**
 * Runs incident set-up steps from the store, one at a time per process (the Slack budget is the limit, not the
 * CPU). A Slack call waits a little for the shared budget (the adapter's job); a 429 or a call held back longer
 * puts the step back with its Retry-After; a crash leaves it leased until the lease runs out, then any worker resumes
 * it from what was recorded. A step that keeps failing for another reason is given up and audited.
 */
export function createSetupWorker(
  deps: IncidentDeps,
  opts: SetupWorkerOptions = DEFAULT_SETUP_OPTIONS,
): SetupWorker {
  const log = deps.logger.child({ module: 'incident-setup' });
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let again = false;
  let stopped = true;

  async function once(): Promise<boolean> {
    const step = await deps.incidents.takeStep(opts.leaseMs);
    if (!step) return false;
    try {
      const { result, change } = await runStep(deps, step);
      await deps.incidents.completeStep(step, result, change);
      log.debug({ incident: step.incidentId, step: step.step }, 'incident step done');
    } catch (err) {
      const e = isAppError(err) ? err : undefined;
      const why = e ? `${e.code}: ${e.message}` : String((err as Error)?.message ?? err);
      if (e?.code === 'SLACK_RATE_LIMITED') {
        await deps.incidents.postponeStep(step, Number(e.details?.retryAfterMs ?? 1_000), why, {
          waitOnly: true,
        });
      } else if ((e?.retryable ?? true) && step.attempts < GIVE_UP_AFTER) {
        log.warn({ err, incident: step.incidentId, step: step.step }, 'incident step failed; retrying');
        await deps.incidents.postponeStep(step, backoffMs(step.attempts), why);
      } else {
        log.error({ err, incident: step.incidentId, step: step.step }, 'incident step failed; giving up');
        await deps.incidents.completeStep(
          step,
          { failed: why },
          {
            patch: {},
            audit: [
              {
                actor: 'mogo',
                action: 'incident.setup_failed',
                subject: `incident:${step.incidentId}`,
                details: { step: step.step, error: why },
              },
            ],
          },
        );
      }
    }
    return true;
  }

  async function drain(): Promise<number> {
    let n = 0;
    while (await once()) n++;
    return n;
  }

  function tick(): void {
    if (running) {
      again = true;
      return;
    }
    running = drain()
      .catch((err) => {
        log.error({ err }, 'incident set-up worker failed; the next poll retries');
        return 0;
      })
      .finally(() => {
        running = undefined;
        if (again && !stopped) {
          again = false;
          tick();
        }
      });
  }

  return {
    start() {
      stopped = false;
      timer = setInterval(tick, opts.pollMs);
      timer.unref();
      tick();
    },
    kick() {
      if (!stopped) tick();
    },
    drain,
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
