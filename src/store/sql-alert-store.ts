import type { AlertStatus } from '../domain/alert';
import { type AlertGroup, groupIdOf } from '../domain/group';
import { AppError } from '../errors';
import type { AlertStore, AuditEntry, Clock, GroupChange, StoredMessage } from '../ports';
import { runYielding } from '../yielding';
import type { Db, Queryable } from './db';
import { appendAuditRows } from './sql-audit-log';
import { NOW, queueGroupRender } from './sql-outbox';

interface GroupRow {
  state: AlertGroup;
  version: number;
}

const toGroup = (row: GroupRow): AlertGroup => ({ ...row.state, version: row.version });

/**
 * Something the group's message shows changed outside the group's own state (a rollback request): bump the
 * version so the render worker updates the message, write `audit`, and queue the render, inside the caller's
 * transaction. A group that does not exist is left alone (the audit rows are written all the same).
 *
 * The order is the one every writing transaction keeps, so two never wait on each other in a circle: the
 * group's row, then the audit rows (their hash chain takes one lock for the whole log), then the outbox and
 * roll-up rows.
 */
export async function touchGroup(
  q: Queryable,
  groupId: string,
  now: string | null,
  audit: AuditEntry[],
): Promise<void> {
  const { rows } = await q.query<GroupRow>(
    `UPDATE alert_groups SET version = version + 1, updated_at = ${NOW} WHERE id = $2 RETURNING state, version`,
    [now, groupId],
  );
  await appendAuditRows(q, audit);
  if (rows[0]) await queueGroupRender(q, now, toGroup(rows[0]));
}

/**
 * AlertStore on plain SQL, identical on PostgreSQL and PGlite. Time comes from the database (one clock for
 * every replica) unless a clock is injected, in which case it is used for every timestamp.
 */
export function createSqlAlertStore(db: Db, clock?: Clock): AlertStore {
  const now = (): string | null => clock?.now().toISOString() ?? null;

  async function lockGroup(q: Queryable, groupKey: string): Promise<AlertGroup | null> {
    const { rows } = await q.query<GroupRow>(
      'SELECT state, version FROM alert_groups WHERE group_key = $1 FOR UPDATE',
      [groupKey],
    );
    return rows[0] ? toGroup(rows[0]) : null;
  }

  async function save(
    q: Queryable,
    current: { version: number } | null,
    change: GroupChange,
    groupKey: string,
  ) {
    const id = groupIdOf(groupKey);
    const group: AlertGroup = { ...change.next, id, groupKey, version: (current?.version ?? 0) + 1 };
    const params = [now(), id, groupKey, group.status, await runYielding(jsonSteps(group)), group.version];
    if (current) {
      await q.query(
        `UPDATE alert_groups SET status = $4, state = $5::jsonb, version = $6, updated_at = ${NOW}
         WHERE id = $2 AND group_key = $3`,
        params,
      );
      return group;
    }
    const { rows } = await q.query(
      `INSERT INTO alert_groups (id, group_key, status, state, version, created_at, updated_at)
       VALUES ($2, $3, $4, $5::jsonb, $6, ${NOW}, ${NOW})
       ON CONFLICT DO NOTHING RETURNING id`,
      params,
    );
    return rows.length > 0 ? group : null;
  }

  return {
    async applyPlanned(groupKey, from, change) {
      return db.tx(async (q) => {
        const { rows } = await q.query<{ version: number }>(
          'SELECT version FROM alert_groups WHERE group_key = $1 FOR UPDATE',
          [groupKey],
        );
        const version = rows[0]?.version ?? 0;
        if (version !== from) return 'stale';
        if (!change) return { groupId: groupIdOf(groupKey), changed: false };
        const group = await save(q, rows[0] ?? null, change, groupKey);
        if (!group) return 'stale'; // created by someone else meanwhile
        await appendAuditRows(q, change.audit);
        await queueGroupRender(q, now(), group);
        return { groupId: group.id, changed: true };
      });
    },

    async mutateGroup(groupKey, decide) {
      return db.tx(async (q) => {
        // A concurrent first insert makes ours a no-op (it waits for that one to commit); then the row
        // exists, so lock it and decide again on the state that won.
        for (let attempt = 0; attempt < 2; attempt++) {
          const current = await lockGroup(q, groupKey);
          const change = decide(current);
          if (!change) return current ? { group: current, changed: false } : null;
          const group = await save(q, current, change, groupKey);
          if (!group) continue;
          await appendAuditRows(q, change.audit);
          await queueGroupRender(q, now(), group);
          return { group, changed: true };
        }
        throw new AppError('INTERNAL', `alert group ${groupKey} vanished while being created`);
      });
    },

    async getGroup(groupId) {
      const { rows } = await db.query<GroupRow>('SELECT state, version FROM alert_groups WHERE id = $1', [
        groupId,
      ]);
      return rows[0] ? toGroup(rows[0]) : null;
    },

    async listGroups(query: { status?: AlertStatus; limit?: number } = {}) {
      const limit = clampLimit(query.limit);
      const { rows } = await db.query<GroupRow>(
        `SELECT state, version FROM alert_groups WHERE ($1::text IS NULL OR status = $1)
         ORDER BY updated_at DESC, id LIMIT $2`,
        [query.status ?? null, limit],
      );
      return rows.map(toGroup);
    },

    async getMessage(groupId): Promise<StoredMessage | null> {
      const { rows } = await db.query<{ channel: string; ts: string; rendered_version: number }>(
        'SELECT channel, ts, rendered_version FROM group_messages WHERE group_id = $1 AND ts IS NOT NULL',
        [groupId],
      );
      const row = rows[0];
      return row ? { channel: row.channel, ts: row.ts, renderedVersion: row.rendered_version } : null;
    },

    async findGroupIdByMessage(ref) {
      const { rows } = await db.query<{ group_id: string }>(
        'SELECT group_id FROM group_messages WHERE channel = $1 AND ts = $2',
        [ref.channel, ref.ts],
      );
      return rows[0]?.group_id ?? null;
    },
  };
}

/** Alerts serialised between two yields: a 10,000-alert state is 3 MB of JSON. */
const JSON_SLICE = 1_000;

/** JSON.stringify(group), the alerts a slice at a time with yields between (see yielding.ts). */
function* jsonSteps(group: AlertGroup): Generator<void, string> {
  if (group.alerts.length <= JSON_SLICE) return JSON.stringify(group);
  const head = JSON.stringify({ ...group, alerts: [] });
  const parts: string[] = [];
  for (let i = 0; i < group.alerts.length; i += JSON_SLICE) {
    if (i > 0) yield;
    parts.push(JSON.stringify(group.alerts.slice(i, i + JSON_SLICE)).slice(1, -1));
  }
  // the only unescaped "alerts":[] in head is the group's own key: inside strings quotes are escaped
  return head.replace('"alerts":[]', () => `"alerts":[${parts.join(',')}]`);
}

function clampLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return 100;
  return Math.min(Math.max(Math.trunc(limit), 1), 1000);
}
