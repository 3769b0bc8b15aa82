import { schedule } from 'node-cron';
import type { Logger } from '../logger';

export interface Job {
  stop(): Promise<void>;
}

/**
 * Runs `run` on a cron schedule (node-cron: 5 fields, or 6 with seconds first), never overlapping itself; a
 * failed run is logged and the next tick tries again.
 */
export function scheduleTask(
  name: string,
  run: () => Promise<unknown>,
  logger: Logger,
  expression: string,
  timeZone?: string,
): Job {
  const log = logger.child({ module: name });
  const task = schedule(
    expression,
    async () => {
      await run().catch((err) => log.error({ err }, `${name} failed; it runs again on schedule`));
    },
    { name, noOverlap: true, ...(timeZone ? { timezone: timeZone } : {}) },
  );
  return {
    async stop() {
      await task.destroy();
    },
  };
}
