import { randomUUID } from 'node:crypto';
import type { AlertGroup } from '../domain/group';
import { AppError } from '../errors';
import type { Clock, MessageRef, Placement, Placements, Rollup } from '../ports';
import { type Db, errorCode } from './db';
import { MS, NOW, touchRollup } from './sql-outbox';

interface PlacementRow {
  channel: string | null;
  ts: string | null;
  rendered_version: number | null;
  rollup_id: string | null;
  closed: boolean | null;
}

interface RollupRow {
  id: string;
  channel: string;
  slack_channel: string | null;
  ts: string | null;
  version: number;
  rendered_version: number;
  opened_at: Date | string;
  closed_at: Date | string | null;
}

const asDate = (v: Date | string) => (v instanceof Date ? v : new Date(v));

/** Placements on plain SQL (group_messages and rollups), identical on PostgreSQL and PGlite. */
export function createSqlPlacements(db: Db, clock?: Clock): Placements {
  const now = (): string | null => clock?.now().toISOString() ?? null;

  return {
    async get(groupId): Promise<Placement> {
      const { rows } = await db.query<PlacementRow>(
        `SELECT m.channel, m.ts, m.rendered_version, m.rollup_id, r.closed_at IS NOT NULL AS closed
         FROM group_messages m LEFT JOIN rollups r ON r.id = m.rollup_id WHERE m.group_id = $1`,
        [groupId],
      );
      const row = rows[0];
      if (!row) return null;
      if (row.ts && row.channel)
        return {
          kind: 'message',
          ref: { channel: row.channel, ts: row.ts },
          renderedVersion: row.rendered_version ?? 0,
        };
      if (row.rollup_id) return { kind: 'rollup', rollupId: row.rollup_id, closed: row.closed === true };
      return { kind: 'claimed' };
    },

    async claim(groupId, staleMs) {
      try {
        // a fresh claim, a stale one (crash between claim and post), or a line of a roll-up that has closed
        const { rows } = await db.query(
          `INSERT INTO group_messages (group_id, claimed_at) VALUES ($2, ${NOW})
           ON CONFLICT (group_id) DO UPDATE SET claimed_at = excluded.claimed_at, rollup_id = NULL
           WHERE group_messages.ts IS NULL AND (
             (group_messages.rollup_id IS NULL
               AND group_messages.claimed_at <= excluded.claimed_at - $3::float8 ${MS})
             OR EXISTS (SELECT 1 FROM rollups r WHERE r.id = group_messages.rollup_id AND r.closed_at IS NOT NULL))
           RETURNING group_id`,
          [now(), groupId, staleMs],
        );
        return rows.length > 0;
      } catch (err) {
        throw errorCode(err) === '23503'
          ? new AppError('NOT_FOUND', `no alert group ${groupId}`, { cause: err })
          : err;
      }
    },

    async saveMessage(groupId, ref: MessageRef, renderedVersion) {
      await db.tx(async (q) => {
        const { rows } = await q.query<{ rollup_id: string | null }>(
          'SELECT rollup_id FROM group_messages WHERE group_id = $1 FOR UPDATE',
          [groupId],
        );
        await q.query(
          `INSERT INTO group_messages (group_id, channel, ts, rendered_version, claimed_at)
           VALUES ($2, $3, $4, $5, ${NOW})
           ON CONFLICT (group_id) DO UPDATE
           SET channel = excluded.channel, ts = excluded.ts, rendered_version = excluded.rendered_version,
             rollup_id = NULL`,
          [now(), groupId, ref.channel, ref.ts, renderedVersion],
        );
        const left = rows[0]?.rollup_id;
        if (left) await touchRollup(q, now(), left, 'P2');
      });
    },

    async releaseClaim(groupId) {
      await db.query('DELETE FROM group_messages WHERE group_id = $1 AND ts IS NULL AND rollup_id IS NULL', [
        groupId,
      ]);
    },

    async rollupActive(channel, quietMs) {
      const { rows } = await db.query(
        `SELECT 1 FROM rollups WHERE channel = $2 AND closed_at IS NULL
           AND last_joined_at > ${NOW} - $3::float8 ${MS}`,
        [now(), channel, quietMs],
      );
      return rows.length > 0;
    },

    async joinRollup(groupId, channel, priority) {
      return db.tx(async (q) => {
        await q.query(
          `INSERT INTO rollups (id, channel, opened_at, last_joined_at) VALUES ($2, $3, ${NOW}, ${NOW})
           ON CONFLICT (channel) WHERE closed_at IS NULL DO UPDATE SET last_joined_at = excluded.last_joined_at`,
          [now(), randomUUID(), channel],
        );
        const { rows } = await q.query<{ id: string }>(
          'SELECT id FROM rollups WHERE channel = $1 AND closed_at IS NULL',
          [channel],
        );
        const id = rows[0]?.id;
        if (!id) throw new AppError('INTERNAL', `no open roll-up for ${channel}`);
        await q.query('UPDATE group_messages SET rollup_id = $2 WHERE group_id = $1 AND ts IS NULL', [
          groupId,
          id,
        ]);
        await touchRollup(q, now(), id, priority);
        return id;
      });
    },

    async touchRollup(id, priority) {
      await db.tx((q) => touchRollup(q, now(), id, priority));
    },

    async getRollup(id): Promise<Rollup | null> {
      const { rows } = await db.query<RollupRow>(
        `SELECT id, channel, slack_channel, ts, version, rendered_version, opened_at, closed_at
         FROM rollups WHERE id = $1`,
        [id],
      );
      const r = rows[0];
      if (!r) return null;
      const members = await db.query<{ state: AlertGroup; version: number }>(
        `SELECT g.state, g.version FROM group_messages m JOIN alert_groups g ON g.id = m.group_id
         WHERE m.rollup_id = $1`,
        [id],
      );
      return {
        id: r.id,
        channel: r.channel,
        ref: r.ts && r.slack_channel ? { channel: r.slack_channel, ts: r.ts } : null,
        version: r.version,
        renderedVersion: r.rendered_version,
        openedAt: asDate(r.opened_at),
        closedAt: r.closed_at === null ? null : asDate(r.closed_at),
        members: members.rows.map((m) => ({ ...m.state, version: m.version })),
      };
    },

    async saveRollup(id, ref, renderedVersion, close) {
      // a group that joined after this render bumped the version: the roll-up stays open for it
      await db.query(
        `UPDATE rollups SET slack_channel = $3, ts = $4, rendered_version = greatest(rendered_version, $5),
           closed_at = CASE WHEN $6 AND version = $5 THEN ${NOW} ELSE closed_at END
         WHERE id = $2`,
        [now(), id, ref.channel, ref.ts, renderedVersion, close],
      );
    },
  };
}
