import { PRIORITIES, type Priority, priorityRank } from '../domain/alert';
import type { AlertGroup } from '../domain/group';
import type { Clock, Outbox, RenderJob, RenderTarget } from '../ports';
import type { Db, Queryable } from './db';

/** `now` for every statement: the injected clock when given (tests), else the database's clock ($1 null). */
export const NOW = 'coalesce($1::timestamptz, now())';
export const MS = "* interval '1 millisecond'";

const keyOf = (t: RenderTarget) => `${t.kind}:${t.id}`;
const targetOf = (key: string): RenderTarget => {
  const i = key.indexOf(':');
  return { kind: key.slice(0, i) as RenderTarget['kind'], id: key.slice(i + 1) };
};
const rankOf = (p: Priority) => priorityRank(p) + 1;

/**
 * Queues (or re-arms) one render inside the caller's transaction. Re-queueing keeps the more pressing priority
 * and never makes a leased job due before its lease ends: the worker holding it re-renders the newest state
 * right after (see Outbox.complete).
 */
export async function queueRender(
  q: Queryable,
  now: string | null,
  job: { target: RenderTarget; priority: Priority; firstPost: boolean; channel: string },
): Promise<void> {
  await q.query(
    `INSERT INTO outbox (key, priority, first_post, channel, seq, attempts, due_at, queued_at)
     VALUES ($2, $3, $4, $5, nextval('render_job_seq'), 0, ${NOW}, ${NOW})
     ON CONFLICT (key) DO UPDATE
     SET seq = nextval('render_job_seq'), attempts = 0, priority = least(outbox.priority, excluded.priority),
       first_post = excluded.first_post, channel = excluded.channel,
       due_at = CASE WHEN outbox.leased_until > excluded.due_at THEN outbox.leased_until ELSE excluded.due_at END`,
    [now, keyOf(job.target), rankOf(job.priority), job.firstPost, job.channel],
  );
}

/**
 * Queues what shows `group` in Slack after a change: its roll-up when it is a line in an open one (and is not a
 * P1 now, which gets its own message), else its own message. Bumps the roll-up's version so it re-renders.
 */
export async function queueGroupRender(q: Queryable, now: string | null, group: AlertGroup): Promise<void> {
  const { rows } = await q.query<{ rollup_id: string | null; ts: string | null; open: boolean | null }>(
    `SELECT m.rollup_id, m.ts, r.closed_at IS NULL AS open
     FROM group_messages m LEFT JOIN rollups r ON r.id = m.rollup_id WHERE m.group_id = $1`,
    [group.id],
  );
  const placed = rows[0];
  if (placed?.rollup_id && placed.open && group.routing.priority !== 'P1') {
    await touchRollup(q, now, placed.rollup_id, group.routing.priority);
    return;
  }
  await queueRender(q, now, {
    target: { kind: 'group', id: group.id },
    priority: group.routing.priority,
    firstPost: !placed?.ts,
    channel: group.routing.channel,
  });
}

/** A roll-up's content changed: bump its version and queue its render. */
export async function touchRollup(q: Queryable, now: string | null, rollupId: string, priority: Priority) {
  const { rows } = await q.query<{ channel: string; ts: string | null }>(
    'UPDATE rollups SET version = version + 1 WHERE id = $1 RETURNING channel, ts',
    [rollupId],
  );
  const r = rows[0];
  if (r)
    await queueRender(q, now, {
      target: { kind: 'rollup', id: rollupId },
      priority,
      firstPost: r.ts === null,
      channel: r.channel,
    });
}

interface JobRow {
  key: string;
  seq: string;
  attempts: number;
  priority: number;
  first_post: boolean;
}

/** The Outbox on plain SQL, identical on PostgreSQL and PGlite. */
export function createSqlOutbox(db: Db, clock?: Clock): Outbox {
  const now = (): string | null => clock?.now().toISOString() ?? null;
  // The job itself, or (re-queued meanwhile) the newer request waiting for this worker's lease.
  const due = (job: RenderJob, delayMs: number, attemptsDelta: number) =>
    db.query(
      `UPDATE outbox SET due_at = ${NOW} + $4::float8 ${MS}, leased_until = NULL,
         attempts = CASE WHEN seq = $3 THEN attempts + $5 ELSE attempts END
       WHERE key = $2 AND (seq = $3 OR leased_seq = $3)`,
      [now(), keyOf(job.target), job.seq, Math.max(0, delayMs), attemptsDelta],
    );

  return {
    async take(leaseMs) {
      const { rows } = await db.query<JobRow>(
        `UPDATE outbox SET due_at = ${NOW} + $2::float8 ${MS}, leased_until = ${NOW} + $2::float8 ${MS},
           leased_seq = seq, attempts = attempts + 1
         WHERE key = (
           SELECT key FROM outbox WHERE due_at <= ${NOW}
           ORDER BY priority, first_post DESC, seq LIMIT 1 FOR UPDATE SKIP LOCKED
         )
         RETURNING key, seq::text AS seq, attempts, priority, first_post`,
        [now(), leaseMs],
      );
      const row = rows[0];
      if (!row) return null;
      return {
        target: targetOf(row.key),
        seq: Number(row.seq),
        attempts: row.attempts,
        priority: PRIORITIES[row.priority - 1] ?? 'P4',
        firstPost: row.first_post,
      };
    },

    async complete(job) {
      const { rows } = await db.query('DELETE FROM outbox WHERE key = $1 AND seq = $2 RETURNING key', [
        keyOf(job.target),
        job.seq,
      ]);
      // re-queued while we worked: the newer request is due now, not when our lease would have ended
      // (a late completion from a worker whose lease another one took since changes nothing)
      if (rows.length === 0)
        await db.query(
          `UPDATE outbox SET due_at = ${NOW}, leased_until = NULL WHERE key = $2 AND leased_seq = $3`,
          [now(), keyOf(job.target), job.seq],
        );
    },

    async retry(job, delayMs) {
      await due(job, delayMs, 0);
    },

    async postpone(job, delayMs) {
      await due(job, delayMs, -1);
    },

    async firstPostBacklog(channel) {
      const { rows } = await db.query<{ n: string }>(
        `SELECT count(*)::text AS n FROM outbox
         WHERE first_post AND channel = $1 AND priority > 1 AND key LIKE 'group:%'`,
        [channel],
      );
      return Number(rows[0]?.n ?? 0);
    },
  };
}
