import type { IncidentChange, IncidentStore, SetupStep } from '../ports';
import type { Db, Queryable } from './db';

/** `now` for every statement: the injected clock when given (tests), else the database's clock ($1 null). */
const NOW = 'coalesce($1::timestamptz, now())';
const json = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

type StepMethods = Pick<
  IncidentStore,
  'scheduleSteps' | 'takeStep' | 'recordStep' | 'completeStep' | 'postponeStep'
>;

/**
 * The set-up steps of IncidentStore: leased with FOR UPDATE SKIP LOCKED, one step of an incident at a time and
 * in order, a step finished only once (`done_at IS NULL`), its change applied in the same transaction.
 */
export function incidentStepMethods(
  db: Db,
  now: () => string | null,
  applyChange: (q: Queryable, incidentId: string, change: IncidentChange) => Promise<void>,
): StepMethods {
  return {
    async scheduleSteps(id, steps) {
      for (const s of steps)
        await db.query(
          `INSERT INTO incident_steps (incident_id, step, seq, due_at) VALUES ($2, $3, $4, coalesce($5::timestamptz, ${NOW}))
           ON CONFLICT (incident_id, step) DO UPDATE SET done_at = NULL, attempts = 0, last_error = NULL,
             due_at = excluded.due_at`,
          [now(), id, s.step, s.seq, s.dueAt?.toISOString() ?? null],
        );
    },

    async takeStep(leaseMs) {
      const { rows } = await db.query<{
        incident_id: string;
        step: string;
        attempts: number;
        result: unknown;
      }>(
        `UPDATE incident_steps s SET leased_until = ${NOW} + $2::float8 * interval '1 millisecond',
           attempts = s.attempts + 1
         WHERE (s.incident_id, s.step) = (
           SELECT c.incident_id, c.step FROM incident_steps c
           WHERE c.done_at IS NULL AND c.due_at <= ${NOW} AND (c.leased_until IS NULL OR c.leased_until <= ${NOW})
             AND NOT EXISTS (SELECT 1 FROM incident_steps e WHERE e.incident_id = c.incident_id
               AND e.seq < c.seq AND e.done_at IS NULL)
           ORDER BY c.due_at, c.seq LIMIT 1 FOR UPDATE SKIP LOCKED)
         RETURNING s.incident_id, s.step, s.attempts, s.result`,
        [now(), leaseMs],
      );
      const r = rows[0];
      return r
        ? {
            incidentId: r.incident_id,
            step: r.step,
            attempts: r.attempts,
            result: json(r.result as Record<string, unknown>),
          }
        : null;
    },

    async recordStep(step, result) {
      await db.query(
        'UPDATE incident_steps SET result = result || $3::jsonb WHERE incident_id = $1 AND step = $2',
        [step.incidentId, step.step, JSON.stringify(result)],
      );
    },

    completeStep(step: SetupStep, result, change) {
      return db.tx(async (q) => {
        const { rows } = await q.query(
          `UPDATE incident_steps SET done_at = ${NOW}, leased_until = NULL, result = result || $4::jsonb,
             last_error = NULL
           WHERE incident_id = $2 AND step = $3 AND done_at IS NULL RETURNING step`,
          [now(), step.incidentId, step.step, JSON.stringify(result)],
        );
        if (rows.length === 0) return false;
        if (change) await applyChange(q, step.incidentId, change);
        return true;
      });
    },

    async postponeStep(step, delayMs, error, opts = {}) {
      await db.query(
        `UPDATE incident_steps SET leased_until = NULL, last_error = $5,
           attempts = attempts - CASE WHEN $6 THEN 1 ELSE 0 END,
           due_at = ${NOW} + $4::float8 * interval '1 millisecond'
         WHERE incident_id = $2 AND step = $3 AND done_at IS NULL`,
        [now(), step.incidentId, step.step, delayMs, error.slice(0, 500), opts.waitOnly === true],
      );
    },
  };
}
