import type { AlertGroup } from '../domain/group';
import type { Clock, DigestCandidates, DigestStore } from '../ports';
import type { Db } from './db';

/** `now` for every statement: the injected clock when given (tests), else the database's clock ($1 null). */
const NOW = 'coalesce($1::timestamptz, now())';
const MS = "* interval '1 millisecond'";

interface CandidateRow {
  state: AlertGroup;
  version: number;
  channel: string;
  since: Date | string;
  total: number;
}

const date = (v: Date | string): Date => (v instanceof Date ? v : new Date(v));

/**
 * The candidates of one digest in one statement: per channel its "since" (newest posted digest before the
 * period, else the first-digest lookback), the digest-only groups changed in [since, period) without a Slack
 * message of their own, ranked most pressing first, and their total.
 */
const CANDIDATES_SQL = `
  WITH last AS (
    SELECT channel, max(period_start) AS since FROM digests
    WHERE posted_at IS NOT NULL AND period_start < $1::timestamptz
    GROUP BY channel
  ), changed AS (
    SELECT g.id, g.state, g.version, g.status, g.updated_at, c.channel,
           coalesce(l.since, $1::timestamptz - $2::float8 ${MS}) AS since
    FROM alert_groups g
    CROSS JOIN LATERAL (SELECT g.state->'routing'->>'channel' AS channel) c
    LEFT JOIN last l ON l.channel = c.channel
    WHERE (g.state->'routing'->>'notify') = 'false'
      AND g.updated_at < $1::timestamptz
      AND g.updated_at >= coalesce(l.since, $1::timestamptz - $2::float8 ${MS})
      AND c.channel IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM group_messages m WHERE m.group_id = g.id AND m.ts IS NOT NULL)
  ), ranked AS (
    SELECT state, version, channel, since,
           row_number() OVER (PARTITION BY channel
             ORDER BY (status = 'firing') DESC, state->'routing'->>'priority', updated_at DESC, id) AS rn,
           count(*) OVER (PARTITION BY channel) AS total
    FROM changed
  )
  SELECT state, version, channel, since, total::int AS total FROM ranked WHERE rn <= $3 ORDER BY channel, rn`;

/**
 * DigestStore on plain SQL, identical on PostgreSQL and PGlite. Claim times come from the database (one clock
 * for every replica) unless a clock is injected.
 */
export function createSqlDigestStore(db: Db, clock?: Clock): DigestStore {
  const now = (): string | null => clock?.now().toISOString() ?? null;

  return {
    async listCandidates(periodStart, { firstLookbackMs, limit }) {
      const { rows } = await db.query<CandidateRow>(CANDIDATES_SQL, [
        periodStart.toISOString(),
        firstLookbackMs,
        Math.max(1, Math.trunc(limit)),
      ]);
      const byChannel = new Map<string, DigestCandidates>();
      for (const row of rows) {
        let entry = byChannel.get(row.channel);
        if (!entry) {
          entry = { channel: row.channel, since: date(row.since), groups: [], total: row.total };
          byChannel.set(row.channel, entry);
        }
        entry.groups.push({ ...row.state, version: row.version });
      }
      return [...byChannel.values()];
    },

    async claim(channel, periodStart, staleMs) {
      const { rows } = await db.query(
        `INSERT INTO digests (channel, period_start, claimed_at) VALUES ($2, $3::timestamptz, ${NOW})
         ON CONFLICT (channel, period_start) DO UPDATE SET claimed_at = excluded.claimed_at
         WHERE digests.posted_at IS NULL AND digests.claimed_at <= excluded.claimed_at - $4::float8 ${MS}
         RETURNING channel`,
        [now(), channel, periodStart.toISOString(), staleMs],
      );
      return rows.length > 0;
    },

    async complete(channel, periodStart, ref, groupCount) {
      await db.query(
        `UPDATE digests SET posted_at = ${NOW}, ts = $4, group_count = $5
         WHERE channel = $2 AND period_start = $3::timestamptz`,
        [now(), channel, periodStart.toISOString(), ref.ts, groupCount],
      );
    },

    async release(channel, periodStart) {
      await db.query(
        'DELETE FROM digests WHERE channel = $1 AND period_start = $2::timestamptz AND posted_at IS NULL',
        [channel, periodStart.toISOString()],
      );
    },
  };
}
