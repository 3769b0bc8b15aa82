import type { Alert, AlertStatus } from '../domain/alert';
import { type AlertGroup, groupIdOf, summarySteps } from '../domain/group';
import { AppError } from '../errors';
import type { AlertStore, AuditEntry, Clock, GroupChange, StoredMessage } from '../ports';
import { runYielding } from '../yielding';
import type { Db, Queryable } from './db';
import { appendAuditRows } from './sql-audit-log';
import { createGroupAlerts } from './sql-group-alerts';
import { NOW, queueGroupRender } from './sql-outbox';

/**
 * `state` is the group without its alerts (`alerts: []`, and `allAlerts`, what they come to); the alerts are
 * rows of group_alerts (see sql-group-alerts.ts). Other stores read `state` as a group to show.
 */
interface GroupRow {
  state: AlertGroup;
  version: number;
}

/** A group to show: its alerts as given (none, or the first few), `allAlerts` from the row. */
const toShown = (row: GroupRow, alerts: Alert[] = []): AlertGroup => ({
  ...row.state,
  alerts,
  version: row.version,
});

/** The whole group: every alert, and no `allAlerts`. */
function toWhole(row: GroupRow, alerts: Alert[]): AlertGroup {
  const { allAlerts: _, ...group } = row.state;
  return { ...group, alerts, version: row.version };
}

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
  if (rows[0]) await queueGroupRender(q, now, toShown(rows[0]));
}

/**
 * AlertStore on plain SQL, identical on PostgreSQL and PGlite. Time comes from the database (one clock for
 * every replica) unless a clock is injected, in which case it is used for every timestamp.
 */
export function createSqlAlertStore(db: Db, clock?: Clock): AlertStore {
  const now = (): string | null => clock?.now().toISOString() ?? null;
  const alerts = createGroupAlerts();

  const readAlerts = (q: Queryable, row: GroupRow) =>
    alerts.readAll(q, row.state.id, row.state.allAlerts?.count);

  async function lockGroup(q: Queryable, groupKey: string): Promise<AlertGroup | null> {
    const { rows } = await q.query<GroupRow>(
      'SELECT state, version FROM alert_groups WHERE group_key = $1 FOR UPDATE',
      [groupKey],
    );
    return rows[0] ? toWhole(rows[0], await readAlerts(q, rows[0])) : null;
  }

  async function save(q: Queryable, base: AlertGroup | null, change: GroupChange, groupKey: string) {
    if (change.next.allAlerts)
      throw new AppError('INTERNAL', `group ${groupKey}: a group read for showing cannot be saved`);
    const id = groupIdOf(groupKey);
    const group: AlertGroup = { ...change.next, id, groupKey, version: (base?.version ?? 0) + 1 };
    const allAlerts = await runYielding(summarySteps(group.alerts));
    const state = JSON.stringify({ ...group, alerts: [], allAlerts });
    const params = [now(), id, groupKey, group.status, state, group.version];
    if (base) {
      await q.query(
        `UPDATE alert_groups SET status = $4, state = $5::jsonb, version = $6, updated_at = ${NOW}
         WHERE id = $2 AND group_key = $3`,
        params,
      );
    } else {
      const { rows } = await q.query(
        `INSERT INTO alert_groups (id, group_key, status, state, version, created_at, updated_at)
         VALUES ($2, $3, $4, $5::jsonb, $6, ${NOW}, ${NOW})
         ON CONFLICT DO NOTHING RETURNING id`,
        params,
      );
      if (rows.length === 0) return null;
    }
    await alerts.write(q, id, base?.alerts ?? null, group.alerts);
    return group;
  }

  return {
    async applyPlanned(groupKey, base, change) {
      return db.tx(async (q) => {
        const { rows } = await q.query<{ version: number }>(
          'SELECT version FROM alert_groups WHERE group_key = $1 FOR UPDATE',
          [groupKey],
        );
        if ((rows[0]?.version ?? 0) !== (base?.version ?? 0)) return 'stale';
        if (!change) return { groupId: groupIdOf(groupKey), changed: false };
        const group = await save(q, base, change, groupKey);
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
      // the row and its alerts at one version: every change locks the row before writing either
      return db.tx(async (q) => {
        const { rows } = await q.query<GroupRow>(
          'SELECT state, version FROM alert_groups WHERE id = $1 FOR SHARE',
          [groupId],
        );
        return rows[0] ? toWhole(rows[0], await readAlerts(q, rows[0])) : null;
      });
    },

    async getGroupToShow(groupId, maxAlerts) {
      const { rows } = await db.query<GroupRow & { shown: Alert[] }>(
        `SELECT g.state, g.version, coalesce((SELECT jsonb_agg(a.alert ORDER BY a.firing DESC, a.pos) FROM (
           SELECT alert, firing, pos FROM group_alerts WHERE group_id = g.id ORDER BY firing DESC, pos LIMIT $2
         ) a), '[]'::jsonb) AS shown
         FROM alert_groups g WHERE g.id = $1`,
        [groupId, Math.max(0, Math.trunc(maxAlerts))],
      );
      return rows[0] ? toShown(rows[0], rows[0].shown) : null;
    },

    async firingAlertLabels(groupId, after, limit) {
      const n = Math.min(Math.max(Math.trunc(limit), 1), 1000);
      // the display-order index (group_id, firing DESC, pos) serves this: one range from `after`
      const { rows } = await db.query<{ pos: number; labels: Record<string, string> }>(
        `SELECT pos, alert->'labels' AS labels FROM group_alerts
         WHERE group_id = $1 AND firing AND pos > $2 ORDER BY pos LIMIT $3`,
        [groupId, after ?? -1, n],
      );
      return { labels: rows.map((r) => r.labels), next: rows.length === n ? rows[n - 1]!.pos : null };
    },

    async listGroups(query: { status?: AlertStatus; limit?: number } = {}) {
      const limit = clampLimit(query.limit);
      const { rows } = await db.query<GroupRow>(
        `SELECT state, version FROM alert_groups WHERE ($1::text IS NULL OR status = $1)
         ORDER BY updated_at DESC, id LIMIT $2`,
        [query.status ?? null, limit],
      );
      return rows.map((r) => toShown(r));
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

function clampLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return 100;
  return Math.min(Math.max(Math.trunc(limit), 1), 1000);
}
