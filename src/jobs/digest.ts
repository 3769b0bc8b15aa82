import { schedule } from 'node-cron';
import type { Logger } from '../logger';
import type { Job } from './rollback-sweep';

export interface DigestSchedule {
  /** Cron expression (node-cron: 5 fields, or 6 with seconds first). */
  expression: string;
  /** IANA time zone the expression is read in. */
  timeZone: string;
  /** Delay before a period whose digest failed for some channel is run again; default 5 minutes. */
  retryDelayMs?: number;
  /** Retries of one period before it is left to the next tick; default 3. */
  maxRetries?: number;
}

/**
 * The period a tick belongs to: its minute. Replicas ticking together (a few milliseconds or seconds apart)
 * agree on it, so they claim the same (channel, period) and only one posts; ticks more often than once a
 * minute share one period.
 */
export function periodOf(at: Date): Date {
  return new Date(Math.floor(at.getTime() / 60_000) * 60_000);
}

/**
 * Runs the digest on its cron schedule. Only calls the use case; never overlaps itself. A period in which some
 * channel's digest failed (the use case released its claim) is run again after `retryDelayMs`.
 */
export function scheduleDigest(
  run: (periodStart: Date) => Promise<{ failed: string[] }>,
  now: () => Date,
  logger: Logger,
  opts: DigestSchedule,
): Job {
  const log = logger.child({ module: 'digest-job' });
  const retryDelayMs = opts.retryDelayMs ?? 5 * 60_000;
  const maxRetries = opts.maxRetries ?? 3;
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;

  const attempt = async (periodStart: Date, retry: number): Promise<void> => {
    const result = await run(periodStart).catch((err) => {
      log.error({ err, periodStart }, 'digest failed; it runs again');
      return { failed: ['*'] };
    });
    if (result.failed.length === 0 || stopped) return;
    if (retry >= maxRetries) {
      log.warn({ periodStart, failed: result.failed }, 'digest retries used up; the next tick covers it');
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      void attempt(periodStart, retry + 1);
    }, retryDelayMs);
    timer.unref();
    timers.add(timer);
  };

  const task = schedule(opts.expression, () => attempt(periodOf(now()), 0), {
    name: 'digest',
    noOverlap: true,
    timezone: opts.timeZone,
  });
  return {
    async stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await task.destroy();
    },
  };
}
