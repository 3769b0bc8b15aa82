import type { Db } from './db';

/** What the metrics read at scrape time; read-only, one small aggregate query each. */
export interface StateReadings {
  /** Outbox jobs waiting and how long the oldest has waited, per priority ("P1"…). */
  outbox(): Promise<{ priority: string; jobs: number; oldestAgeSeconds: number }[]>;
  /** Alert groups still firing, per priority of their routing. */
  openGroups(): Promise<{ priority: string; groups: number }[]>;
}

export function createSqlStateReadings(db: Db): StateReadings {
  return {
    async outbox() {
      const { rows } = await db.query<{ priority: number; n: string; age: number | null }>(
        `SELECT priority, count(*)::text AS n, extract(epoch FROM now() - min(queued_at))::float8 AS age
         FROM outbox GROUP BY priority ORDER BY priority`,
      );
      return rows.map((r) => ({
        priority: `P${r.priority}`,
        jobs: Number(r.n),
        oldestAgeSeconds: Math.max(0, Number(r.age ?? 0)),
      }));
    },
    async openGroups() {
      const { rows } = await db.query<{ priority: string | null; n: string }>(
        `SELECT state->'routing'->>'priority' AS priority, count(*)::text AS n
         FROM alert_groups WHERE status = 'firing' GROUP BY 1 ORDER BY 1`,
      );
      return rows.map((r) => ({ priority: r.priority ?? 'unrouted', groups: Number(r.n) }));
    },
  };
}
