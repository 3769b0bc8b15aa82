import { randomUUID } from 'node:crypto';
import type { CheckResult } from '../incidents/check-silences';
import type { Logger } from '../logger';
import type { Leases } from '../ports';

export const SILENCE_POLL_LEASE = 'silence-poller';

export interface SilencePollerDeps {
  leases: Leases;
  /** How many of mogo's silences are active; nothing is asked of Alertmanager while none is. */
  countActive: () => Promise<number>;
  check: () => Promise<CheckResult>;
  intervalMs: number;
  logger: Logger;
  /** This replica's name for the lease (default: a random id). */
  holder?: string;
  /** A round changed something: render now. */
  onChanged: () => void;
}

export interface SilencePoller {
  start(): void;
  /** One round now, as a tick would (tests); false when another replica holds the lease. */
  runNow(): Promise<CheckResult | false>;
  stop(): Promise<void>;
}

/**
 * Keeps messages of silenced alerts true while mogo's silences are active: every `intervalMs`, on the one
 * replica that holds the PostgreSQL lease (it lasts three rounds, so a replica that dies hands over within
 * them), one round of checkSilences. Rounds never overlap.
 */
export function createSilencePoller(deps: SilencePollerDeps): SilencePoller {
  const holder = deps.holder ?? randomUUID();
  const log = deps.logger.child({ module: 'silence-poller' });
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;

  const round = async (): Promise<CheckResult | false> => {
    if ((await deps.countActive()) === 0) return { checked: 0, ended: 0, resolved: 0 };
    if (!(await deps.leases.tryAcquire(SILENCE_POLL_LEASE, holder, deps.intervalMs * 3))) return false;
    const result = await deps.check();
    if (result.ended > 0 || result.resolved > 0) {
      log.info(result, 'silence check changed messages');
      deps.onChanged();
    }
    return result;
  };
  const runNow = () => {
    const r = running.then(round, round);
    running = r.catch(() => undefined);
    return r;
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      void runNow()
        .catch((err) => log.warn({ err }, 'silence check round failed; the next one retries'))
        .finally(schedule);
    }, deps.intervalMs);
    timer.unref();
  };

  return {
    start() {
      stopped = false;
      schedule();
    },
    runNow,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
      await deps.leases.release(SILENCE_POLL_LEASE, holder).catch(() => undefined);
    },
  };
}
