import type { Clock, Leases } from '../ports';
import type { Db } from './db';
import { NOW } from './sql-outbox';

/** Leases on plain SQL: one conditional upsert takes a free or run-out lease, or renews one's own. */
export function createSqlLeases(db: Db, clock?: Clock): Leases {
  const now = (): string | null => clock?.now().toISOString() ?? null;
  return {
    async tryAcquire(name, holder, ttlMs) {
      const { rows } = await db.query(
        `INSERT INTO poller_leases (name, holder, expires_at)
           VALUES ($2, $3, ${NOW} + $4::float8 * interval '1 millisecond')
         ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
           WHERE poller_leases.holder = EXCLUDED.holder OR poller_leases.expires_at <= ${NOW}
         RETURNING holder`,
        [now(), name, holder, ttlMs],
      );
      return rows.length > 0;
    },
    async release(name, holder) {
      await db.query('DELETE FROM poller_leases WHERE name = $1 AND holder = $2', [name, holder]);
    },
  };
}
