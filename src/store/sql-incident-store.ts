import { type Incident, LEAD_ROLE, type TimelineEntry } from '../domain/incident';
import type { Clock, IncidentChange, IncidentStore, NewIncident } from '../ports';
import type { Db, Queryable } from './db';
import { appendAuditRows } from './sql-audit-log';
import { date, type Row, SELECT_INCIDENT, type Time, toIncident } from './sql-incident-rows';
import { incidentStepMethods } from './sql-incident-steps';

/** `now` for every statement: the injected clock when given (tests), else the database's clock ($1 null). */
const NOW = 'coalesce($1::timestamptz, now())';
const LOCK_NAMESPACE = 0x6d6f676f;

async function insertTimeline(q: Queryable, id: string, entries: readonly TimelineEntry[]): Promise<number> {
  if (entries.length === 0) return 0;
  const rows = entries.map((e) => ({ ...e, at: e.at.toISOString() }));
  const { rows: added } = await q.query(
    `INSERT INTO incident_timeline (incident_id, kind, at, author, text, source_ref)
     SELECT $1, e->>'kind', (e->>'at')::timestamptz, e->>'author', e->>'text', e->>'sourceRef'
     FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS t(e, n) ORDER BY t.n
     ON CONFLICT (incident_id, source_ref) DO NOTHING RETURNING id`,
    [id, JSON.stringify(rows)],
  );
  return added.length;
}

/**
 * IncidentStore on plain SQL, identical on PostgreSQL and PGlite. Declaring takes a transaction-scoped
 * advisory lock per alert group, so two declarations from the same alerts (a double click, two replicas)
 * create one incident. Set-up steps are leased with FOR UPDATE SKIP LOCKED, one step of an incident at a time.
 */
export function createSqlIncidentStore(db: Db, clock?: Clock): IncidentStore {
  const now = (): string | null => clock?.now().toISOString() ?? null;
  const one = async (where: string, params: unknown[], q: Queryable = db) => {
    const { rows } = await q.query<Row>(`${SELECT_INCIDENT} ${where}`, params);
    return rows[0] ? toIncident(rows[0]) : null;
  };
  const byId = (id: string, q: Queryable = db) => one('WHERE i.id = $1', [id], q);

  async function apply(q: Queryable, current: Incident, change: IncidentChange): Promise<void> {
    const p = change.patch;
    await q.query(
      `UPDATE incidents SET
         title = coalesce($3, title),
         severity = coalesce($4, severity),
         status = coalesce($5, status),
         channel_id = coalesce($6, channel_id),
         channel_name = coalesce($7, channel_name),
         summary_ts = coalesce($8, summary_ts),
         announce_channel = coalesce($9, announce_channel),
         announce_ts = coalesce($10, announce_ts),
         archived_at = coalesce($11::timestamptz, archived_at),
         thread_ts = coalesce($13, thread_ts),
         mitigated_at = CASE WHEN mitigated_at IS NULL AND $5 IN ('monitoring', 'resolved') THEN ${NOW}
           ELSE mitigated_at END,
         resolved_at = CASE WHEN $5 = 'resolved' THEN ${NOW}
           WHEN $5 IN ('investigating', 'identified', 'monitoring') THEN NULL ELSE resolved_at END,
         closed_at = CASE WHEN $5 = 'closed' THEN ${NOW} ELSE closed_at END,
         last_update_at = CASE WHEN $12 THEN ${NOW} ELSE last_update_at END,
         version = version + 1
       WHERE id = $2`,
      [
        now(),
        current.id,
        p.title ?? null,
        p.severity ?? null,
        p.status ?? null,
        p.channelId ?? null,
        p.channelName ?? null,
        p.summaryTs ?? null,
        p.announcement?.channel ?? null,
        p.announcement?.ts ?? null,
        p.archivedAt?.toISOString() ?? null,
        p.updated === true,
        p.threadTs ?? null,
      ],
    );
    for (const [role, user] of Object.entries(p.roles ?? {})) {
      if (user === null)
        await q.query('DELETE FROM incident_roles WHERE incident_id = $1 AND role = $2', [current.id, role]);
      else
        await q.query(
          `INSERT INTO incident_roles (incident_id, role, user_id, assigned_at) VALUES ($2, $3, $4, ${NOW})
           ON CONFLICT (incident_id, role) DO UPDATE SET user_id = $4, assigned_at = ${NOW}`,
          [now(), current.id, role, user],
        );
    }
    await insertTimeline(q, current.id, change.timeline ?? []);
    await appendAuditRows(q, change.audit ?? []);
  }

  async function openLinks(q: Queryable, groupIds: readonly string[]) {
    const { rows } = await q.query<{ group_id: string; incident_id: string }>(
      `SELECT g.group_id, g.incident_id FROM incident_groups g JOIN incidents i ON i.id = g.incident_id
       WHERE g.group_id = ANY($1::text[]) AND i.closed_at IS NULL ORDER BY g.linked_at, g.group_id`,
      [groupIds],
    );
    return rows;
  }

  async function lockGroups(q: Queryable, groupIds: readonly string[]) {
    for (const g of [...new Set(groupIds)].sort())
      await q.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
        LOCK_NAMESPACE,
        `incident-group:${g}`,
      ]);
  }

  async function link(q: Queryable, id: string, groupIds: readonly string[], by: string): Promise<string[]> {
    await lockGroups(q, groupIds);
    const taken = new Set((await openLinks(q, groupIds)).map((r) => r.group_id));
    const fresh = [...new Set(groupIds)].filter((g) => !taken.has(g));
    for (const g of fresh)
      await q.query(
        `INSERT INTO incident_groups (incident_id, group_id, linked_by, linked_at) VALUES ($2, $3, $4, ${NOW})`,
        [now(), id, g, by],
      );
    return fresh;
  }

  return {
    async declare(n: NewIncident, audit) {
      return db.tx(async (q) => {
        await lockGroups(q, n.groupIds);
        const linked = await openLinks(q, n.groupIds);
        const taken = new Set(linked.map((r) => r.group_id));
        if (n.groupIds.length > 0 && n.groupIds.every((g) => taken.has(g))) {
          const existing = await byId(linked[0]!.incident_id, q);
          if (existing) return { kind: 'exists' as const, incident: existing };
        }
        // numbers without gaps (people say "incident 12"): the next after the highest, under a lock held to commit,
        // not a sequence, which skips the values it cached when the process dies (32 after a SIGKILL) or a declare
        // rolls back
        await q.query(
          `SELECT pg_advisory_xact_lock(${LOCK_NAMESPACE}, hashtext('incident_number:' || current_schema()))`,
        );
        await q.query(
          `INSERT INTO incidents (id, number, title, severity, status, mode, private, channel_id, thread_ts,
             declared_by, declared_at, last_update_at)
           VALUES ($2, (SELECT coalesce(max(number), 0) + 1 FROM incidents), $3, $4, 'investigating', $5, $6, $7, $8, $9, ${NOW}, ${NOW})`,
          [
            now(),
            n.id,
            n.title,
            n.severity,
            n.mode,
            n.private,
            n.thread?.channel ?? null,
            n.thread?.ts ?? null,
            n.declaredBy,
          ],
        );
        await q.query(
          `INSERT INTO incident_roles (incident_id, role, user_id, assigned_at) VALUES ($2, $3, $4, ${NOW})`,
          [now(), n.id, LEAD_ROLE, n.lead],
        );
        await link(q, n.id, n.groupIds, n.declaredBy);
        const at = clock?.now() ?? new Date();
        await insertTimeline(q, n.id, [
          {
            kind: 'declared',
            at,
            author: n.declaredBy,
            text: `${n.severity} declared: ${n.title}`,
            sourceRef: null,
          },
        ]);
        for (const [seq, step] of n.steps.entries())
          await q.query(
            `INSERT INTO incident_steps (incident_id, step, seq, due_at) VALUES ($2, $3, $4, ${NOW})`,
            [now(), n.id, step, seq],
          );
        const incident = (await byId(n.id, q))!;
        await appendAuditRows(
          q,
          audit.map((a) => ({ ...a, details: { ...a.details, number: incident.number } })),
        );
        return { kind: 'declared' as const, incident, alreadyLinked: [...taken] };
      });
    },

    get: (id) => byId(id),
    getByNumber: (number) => one('WHERE i.number = $1', [number]),
    findByChannel: (channel, threadTs) =>
      one(`WHERE i.channel_id = $1 AND coalesce(i.thread_ts, '') = $2`, [channel, threadTs ?? '']),
    async findOpenByGroup(groupId) {
      const [row] = await openLinks(db, [groupId]);
      return row ? byId(row.incident_id) : null;
    },

    async listOpen() {
      const { rows } = await db.query<Row>(`${SELECT_INCIDENT} WHERE i.closed_at IS NULL ORDER BY i.number`);
      return rows.map((r) => ({ incident: toIncident(r), lastUpdateAt: date(r.last_update_at) }));
    },

    update(id, decide) {
      return db.tx(async (q) => {
        await q.query('SELECT 1 FROM incidents WHERE id = $1 FOR UPDATE', [id]);
        const current = await byId(id, q);
        if (!current) return null;
        const change = decide(current);
        if (!change) return { incident: current, changed: false };
        await apply(q, current, change);
        return { incident: (await byId(id, q))!, changed: true };
      });
    },

    async addTimeline(id, entries, opts = {}) {
      return db.tx(async (q) => {
        const added = await insertTimeline(q, id, entries);
        if (added > 0 && opts.updated)
          await q.query(`UPDATE incidents SET last_update_at = ${NOW} WHERE id = $2`, [now(), id]);
        return added;
      });
    },

    async timeline(id) {
      const { rows } = await db.query<{
        kind: TimelineEntry['kind'];
        at: Time;
        author: string | null;
        text: string;
        source_ref: string | null;
      }>(
        'SELECT kind, at, author, text, source_ref FROM incident_timeline WHERE incident_id = $1 ORDER BY at, id',
        [id],
      );
      return rows.map((r) => ({
        kind: r.kind,
        at: date(r.at),
        author: r.author,
        text: r.text,
        sourceRef: r.source_ref,
      }));
    },

    async addFollowUp(id, f) {
      await db.query(
        'INSERT INTO incident_followups (incident_id, text, author, at) VALUES ($1, $2, $3, $4)',
        [id, f.text, f.author, f.at.toISOString()],
      );
    },

    async followUps(id) {
      const { rows } = await db.query<{ text: string; author: string; at: Time }>(
        'SELECT text, author, at FROM incident_followups WHERE incident_id = $1 ORDER BY at, id',
        [id],
      );
      return rows.map((r) => ({ text: r.text, author: r.author, at: date(r.at) }));
    },

    async markReminded(id, at) {
      await db.query('UPDATE incidents SET last_update_at = greatest(last_update_at, $2) WHERE id = $1', [
        id,
        at.toISOString(),
      ]);
    },

    ...incidentStepMethods(db, now, async (q, id, change) => {
      const current = await byId(id, q);
      if (current) await apply(q, current, change);
    }),
  };
}
