import type { Clock, SilenceMatcher, SilenceRecord, SilenceStore } from '../ports';
import type { Db, Queryable } from './db';
import { touchGroup } from './sql-alert-store';
import { NOW } from './sql-outbox';

interface Row {
  id: string;
  group_id: string;
  scope: 'group' | 'alert';
  fingerprint: string | null;
  matchers: SilenceMatcher[] | string;
  created_by: string;
  created_by_name: string;
  comment: string;
  starts_at: Date | string;
  ends_at: Date | string;
  state: SilenceRecord['state'];
  ended_at: Date | string | null;
  ended_by: string | null;
  checked_at: Date | string | null;
}

const date = (v: Date | string): Date => (v instanceof Date ? v : new Date(v));
const maybeDate = (v: Date | string | null): Date | null => (v === null ? null : date(v));

function toRecord(r: Row): SilenceRecord {
  return {
    id: r.id,
    groupId: r.group_id,
    scope: r.scope,
    fingerprint: r.fingerprint,
    matchers: typeof r.matchers === 'string' ? JSON.parse(r.matchers) : r.matchers,
    createdBy: r.created_by,
    createdByName: r.created_by_name,
    comment: r.comment,
    startsAt: date(r.starts_at),
    endsAt: date(r.ends_at),
    state: r.state,
    endedAt: maybeDate(r.ended_at),
    endedBy: r.ended_by,
    checkedAt: maybeDate(r.checked_at),
  };
}

/**
 * SilenceStore on plain SQL, identical on PostgreSQL and PGlite. Every write also bumps the alert group and
 * queues its render in the same transaction (touchGroup), so the message shows the silence or its end.
 */
export function createSqlSilenceStore(db: Db, clock?: Clock): SilenceStore {
  const now = (): string | null => clock?.now().toISOString() ?? null;
  const many = async (sql: string, params: unknown[], q: Queryable = db) =>
    (await q.query<Row>(sql, params)).rows.map(toRecord);

  return {
    async record(s, audit) {
      return db.tx(async (q) => {
        const [created] = await many(
          `INSERT INTO silences (id, group_id, scope, fingerprint, matchers, created_by, created_by_name, comment,
             starts_at, ends_at, created_at)
           VALUES ($2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10::timestamptz, $11::timestamptz, ${NOW})
           RETURNING *`,
          [
            now(),
            s.id,
            s.groupId,
            s.scope,
            s.fingerprint,
            JSON.stringify(s.matchers),
            s.createdBy,
            s.createdByName,
            s.comment,
            s.startsAt.toISOString(),
            s.endsAt.toISOString(),
          ],
          q,
        );
        await touchGroup(q, s.groupId, now(), audit);
        return created!;
      });
    },

    async end(id, end, by, audit) {
      return db.tx(async (q) => {
        const [ended] = await many(
          `UPDATE silences SET state = $3, ended_at = ${NOW}, ended_by = $4
           WHERE id = $2 AND state = 'active' RETURNING *`,
          [now(), id, end, by],
          q,
        );
        if (!ended) return null;
        await touchGroup(q, ended.groupId, now(), audit);
        return ended;
      });
    },

    async get(id) {
      return (await many('SELECT * FROM silences WHERE id = $1', [id]))[0] ?? null;
    },

    activeForGroup(groupId) {
      return many(`SELECT * FROM silences WHERE group_id = $1 AND state = 'active' ORDER BY created_at, id`, [
        groupId,
      ]);
    },

    async takeDueForCheck(limit) {
      return many(
        `UPDATE silences SET checked_at = ${NOW}
         WHERE id IN (SELECT id FROM silences WHERE state = 'active'
                      ORDER BY checked_at NULLS FIRST, id LIMIT $2 FOR UPDATE SKIP LOCKED)
         RETURNING *`,
        [now(), limit],
      );
    },

    async countActive() {
      const { rows } = await db.query<{ n: number | string }>(
        `SELECT count(*) AS n FROM silences WHERE state = 'active'`,
      );
      return Number(rows[0]?.n ?? 0);
    },
  };
}
