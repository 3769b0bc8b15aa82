import type { Queryable } from '../../src/store/db';

/**
 * The set-up steps of an incident not done yet, in order: what tests wait on to know an incident is set up.
 * Read straight from the table, since nothing in mogo asks this (the worker only takes the next due step).
 */
export async function pendingSteps(db: Queryable, incidentId: string): Promise<string[]> {
  const { rows } = await db.query<{ step: string }>(
    'SELECT step FROM incident_steps WHERE incident_id = $1 AND done_at IS NULL ORDER BY seq',
    [incidentId],
  );
  return rows.map((r) => r.step);
}
