import type { Logger } from '../../logger';
import type { Queryable } from '../db';

/**
 * Alert rows churn (fired, resolved, pruned); mogo leaves their dead versions to PostgreSQL's autovacuum, on by
 * default. Where a server runs without it, a group with 100,000 alerts in its life takes 1.5x as long per
 * notification as a young one (bench/lifetime.js), so the operator is told at start-up.
 */
export async function warnWithoutAutovacuum(db: Queryable, log: Pick<Logger, 'warn'>): Promise<boolean> {
  const { rows } = await db
    .query<{ autovacuum: string }>('SHOW autovacuum')
    .catch(() => ({ rows: [] as { autovacuum: string }[] }));
  if (rows[0]?.autovacuum !== 'off') return false;
  log.warn(
    'PostgreSQL runs with autovacuum off: alert rows churn, so run VACUUM regularly (or turn autovacuum on), else notifications of long-lived groups slow down',
  );
  return true;
}
