import type { Logger } from '../logger';
import { type Job, scheduleTask } from './cron-task';

export type { Job } from './cron-task';

/**
 * Runs the rollback sweep (expire unapproved requests, report rollbacks whose process is gone) on a cron
 * schedule, every 15 seconds by default. Only calls the use case; never overlaps itself.
 */
export function scheduleRollbackSweep(
  sweep: () => Promise<unknown>,
  logger: Logger,
  expression = '*/15 * * * * *',
): Job {
  return scheduleTask('rollback-sweep', sweep, logger, expression);
}
