import { schedule } from 'node-cron';
import type { Logger } from '../logger';

export interface Job {
  stop(): Promise<void>;
}

/**
 * Runs the rollback sweep (expire unapproved requests, report rollbacks whose process is gone) on a cron
 * schedule, every 15 seconds by default. Only calls the use case; never overlaps itself.
 */
export function scheduleRollbackSweep(
  sweep: () => Promise<unknown>,
  logger: Logger,
  expression = '*/15 * * * * *',
): Job {
  const log = logger.child({ module: 'rollback-sweep' });
  const task = schedule(
    expression,
    async () => {
      await sweep().catch((err) => log.error({ err }, 'rollback sweep failed; it runs again on schedule'));
    },
    { name: 'rollback-sweep', noOverlap: true },
  );
  return {
    async stop() {
      await task.destroy();
    },
  };
}
