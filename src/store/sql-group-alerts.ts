import type { Alert } from '../domain/alert';
import { AppError } from '../errors';
import { runYielding } from '../yielding';
import type { Queryable } from './db';

/** Alert rows per statement: a 10,000-alert group is 3 MB of JSON, far too much for one bind or one row. */
const BATCH = 500;
/** Alert rows read per round trip (about 300 KB). */
const PAGE = 1_000;

const UPSERT = `
  INSERT INTO group_alerts (group_id, fingerprint, pos, firing, alert)
  SELECT $1, e.r->1->>'fingerprint', (e.r->>0)::int, e.r->1->>'status' = 'firing', e.r->1
  FROM jsonb_array_elements($2::jsonb) AS e(r)
  ON CONFLICT (group_id, fingerprint) DO UPDATE
    SET pos = excluded.pos, firing = excluded.firing, alert = excluded.alert`;

export interface GroupAlerts {
  /**
   * Every alert of the group, in the group's own order. `count`, how many the group's row says it holds: up to
   * a page they are read in one statement, else (or unknown) a page at a time, so `q` must be a transaction.
   */
  readAll(q: Queryable, groupId: string, count: number | undefined): Promise<Alert[]>;
  /**
   * Makes the group's rows hold `next`. `base` is what readAll returned for the state `next` was decided
   * from (null: write everything): alerts of next that are the very objects of base are not written again.
   */
  write(q: Queryable, groupId: string, base: readonly Alert[] | null, next: readonly Alert[]): Promise<void>;
}

/**
 * A group's alerts, one row each in group_alerts (migration 9), so no row is megabytes: a 10,000-alert group is
 * read as many small rows the driver parses as they arrive, and written in batches, never as one 3 MB
 * document parsed or serialised in one piece. `pos` keeps the group's own order; where each alert object read
 * sits is remembered, so a change writes only the alerts it changed.
 */
export function createGroupAlerts(): GroupAlerts {
  const positions = new WeakMap<Alert, number>();

  return {
    async readAll(q, groupId, count) {
      const remember = (rows: { pos: number; alert: Alert }[]) =>
        rows.map((r) => {
          positions.set(r.alert, r.pos);
          return r.alert;
        });
      if (count !== undefined && count <= PAGE) {
        const { rows } = await q.query<{ pos: number; alert: Alert }>(
          'SELECT pos, alert FROM group_alerts WHERE group_id = $1 ORDER BY pos',
          [groupId],
        );
        return remember(rows);
      }
      // a page at a time: a 10,000-alert result read at once arrives in a few socket reads that pg parses
      // in one piece each (tens of ms); between pages the event loop runs
      await q.query(
        'DECLARE group_alerts_page NO SCROLL CURSOR FOR SELECT pos, alert FROM group_alerts WHERE group_id = $1 ORDER BY pos',
        [groupId],
      );
      const alerts: Alert[] = [];
      for (;;) {
        const { rows } = await q.query<{ pos: number; alert: Alert }>(`FETCH ${PAGE} FROM group_alerts_page`);
        for (const a of remember(rows)) alerts.push(a);
        if (rows.length < PAGE) break;
      }
      await q.query('CLOSE group_alerts_page');
      return alerts;
    },

    async write(q, groupId, base, next) {
      const known = base?.every((a) => positions.has(a)) ? base : null;
      if (!known) await q.query('DELETE FROM group_alerts WHERE group_id = $1', [groupId]);
      const { writes, gone } = await runYielding(changesSteps(positions, known ?? [], next));
      for (let i = 0; i < gone.length; i += BATCH * 10)
        await q.query('DELETE FROM group_alerts WHERE group_id = $1 AND fingerprint = ANY($2::text[])', [
          groupId,
          gone.slice(i, i + BATCH * 10),
        ]);
      for (let i = 0; i < writes.length; i += BATCH)
        await q.query(UPSERT, [groupId, JSON.stringify(writes.slice(i, i + BATCH))]);
    },
  };
}

/** Alerts compared between two yields of changesSteps. */
const SLICE = 2_000;

/**
 * What turns the rows of `known` (alerts as read, at the positions read) into `next`: the alerts to write, at
 * their position, and the fingerprints to delete. An alert keeps its place while the order holds; one that
 * moved goes after everything, and so does what follows it.
 */
function* changesSteps(
  positions: WeakMap<Alert, number>,
  known: readonly Alert[],
  next: readonly Alert[],
): Generator<void, { writes: [number, Alert][]; gone: string[] }> {
  const before = new Map<string, Alert>();
  let top = -1;
  for (const a of known) {
    before.set(a.fingerprint, a);
    top = Math.max(top, positions.get(a)!);
  }
  let last = -1;
  const writes: [number, Alert][] = [];
  const seen = new Set<string>();
  for (let i = 0; i < next.length; i++) {
    if (i > 0 && i % SLICE === 0) yield;
    const a = next[i]!;
    if (seen.has(a.fingerprint))
      throw new AppError('INTERNAL', `two alerts with fingerprint ${a.fingerprint} in one group`);
    seen.add(a.fingerprint);
    const old = before.get(a.fingerprint);
    const at = old ? positions.get(old) : undefined;
    const pos = at !== undefined && at > last ? at : ++top;
    last = pos;
    if (a !== old || pos !== at) writes.push([pos, a]);
  }
  if (next.length > SLICE) yield;
  const gone: string[] = [];
  for (const fp of before.keys()) if (!seen.has(fp)) gone.push(fp);
  return { writes, gone };
}
