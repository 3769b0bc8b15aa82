import type { AlertGroup } from '../domain/group';
import { alertnameOf } from '../domain/group';
import { REPORT_ACTIONS, type ReportGroupRow } from '../domain/report';
import type { ReportIncidentRow } from '../domain/report-incidents';
import type { AlertStore, ReportJob, ReportJobs, ReportSource } from '../ports';
import type { Db } from './db';
import { date, maybe, type Row, type Time } from './sql-incident-rows';
import { MS } from './sql-outbox';

interface JobRow {
  id: string;
  requested_by: string;
  deliver_to: string;
  period_start: Date | string;
  period_end: Date | string;
  attempts: number;
  dedup_key: string | null;
}

const asDate = (v: Date | string) => (v instanceof Date ? v : new Date(v));

function toJob(r: JobRow): ReportJob {
  return {
    id: r.id,
    requestedBy: r.requested_by,
    deliverTo: r.deliver_to,
    since: asDate(r.period_start),
    until: asDate(r.period_end),
    attempts: r.attempts,
    ...(r.dedup_key === null ? {} : { dedupKey: r.dedup_key }),
  };
}

/**
 * Report jobs on plain SQL. A take moves the job's due time to the end of its lease, so a job whose worker died
 * is due again when the lease runs out, and SKIP LOCKED keeps two workers off the same row.
 */
export function createSqlReportJobs(db: Db): ReportJobs {
  return {
    async enqueue(req, at) {
      const { rows } = await db.query<{ id: string }>(
        `INSERT INTO report_jobs (requested_by, deliver_to, period_start, period_end, due_at, requested_at, dedup_key)
         VALUES ($1, $2, $3, $4, $5, $5, $6) ON CONFLICT (dedup_key) DO NOTHING RETURNING id::text AS id`,
        [
          req.requestedBy,
          req.deliverTo,
          req.since.toISOString(),
          req.until.toISOString(),
          at.toISOString(),
          req.dedupKey ?? null,
        ],
      );
      return rows[0] ? { id: rows[0].id } : null;
    },
    async take(leaseMs, at) {
      const { rows } = await db.query<JobRow>(
        `UPDATE report_jobs SET state = 'running', attempts = attempts + 1,
           leased_until = $1::timestamptz + $2::float8 ${MS}, due_at = $1::timestamptz + $2::float8 ${MS}
         WHERE id = (
           SELECT id FROM report_jobs WHERE state IN ('queued', 'running') AND due_at <= $1::timestamptz
           ORDER BY due_at, id LIMIT 1 FOR UPDATE SKIP LOCKED
         )
         RETURNING id::text AS id, requested_by, deliver_to, period_start, period_end, attempts, dedup_key`,
        [at.toISOString(), leaseMs],
      );
      return rows[0] ? toJob(rows[0]) : null;
    },
    async complete(id, at) {
      await db.query(
        `UPDATE report_jobs SET state = 'done', finished_at = $2, leased_until = NULL, error = NULL WHERE id = $1`,
        [id, at.toISOString()],
      );
    },
    async fail(id, error, retryInMs, at) {
      if (retryInMs === null) {
        await db.query(
          `UPDATE report_jobs SET state = 'failed', finished_at = $2, leased_until = NULL, error = $3 WHERE id = $1`,
          [id, at.toISOString(), error],
        );
        return;
      }
      await db.query(
        `UPDATE report_jobs SET state = 'queued', leased_until = NULL, error = $3,
           due_at = $2::timestamptz + $4::float8 ${MS} WHERE id = $1`,
        [id, at.toISOString(), error, retryInMs],
      );
    },
  };
}

/** At most this many groups in one report (a week of a very noisy installation). */
const MAX_GROUPS = 20_000;

/**
 * The report's rows: groups first seen in the period (read through the AlertStore, so their alerts are counted
 * however the store keeps them) and the period's audit rows of the actions a report reads.
 */
export function createSqlReportSource(db: Db, alerts: Pick<AlertStore, 'getGroup'>): ReportSource {
  return {
    async fetch(since, until) {
      const range = [since.toISOString(), until.toISOString()];
      const ids = await db.query<{ id: string }>(
        `SELECT id FROM alert_groups
         WHERE (state->>'createdAt')::timestamptz >= $1 AND (state->>'createdAt')::timestamptz < $2
         ORDER BY (state->>'createdAt')::timestamptz, id LIMIT ${MAX_GROUPS}`,
        range,
      );
      const acks = await db.query<{ subject: string; at: Date | string }>(
        `SELECT subject, min(occurred_at) AS at FROM audit_log
         WHERE action = 'alert.acknowledged' AND occurred_at >= $1 GROUP BY subject`,
        [since.toISOString()],
      );
      const firstAck = new Map(acks.rows.map((r) => [r.subject.slice('group:'.length), asDate(r.at)]));
      const groups: ReportGroupRow[] = [];
      for (const { id } of ids.rows) {
        const g = await alerts.getGroup(id);
        if (g) groups.push(groupRow(g, firstAck.get(id)));
      }
      const audit = await db.query<{
        action: string;
        subject: string;
        occurred_at: Date | string;
        details: Record<string, unknown> | string;
      }>(
        `SELECT action, subject, occurred_at, details FROM audit_log
         WHERE occurred_at >= $1 AND occurred_at < $2 AND action = ANY($3::text[])`,
        [...range, [...REPORT_ACTIONS]],
      );
      return {
        since,
        until,
        groups,
        incidents: await incidentRows(db, range),
        audit: audit.rows.map((r) => ({
          action: r.action,
          subject: r.subject,
          occurredAt: asDate(r.occurred_at),
          details: typeof r.details === 'string' ? JSON.parse(r.details) : r.details,
        })),
      };
    },
  };
}

function groupRow(g: AlertGroup, auditAck: Date | undefined): ReportGroupRow {
  const stateAck = g.ack ? new Date(g.ack.at) : undefined;
  const acks = [stateAck, auditAck].filter((d): d is Date => d !== undefined);
  let resolvedAt: Date | null = null;
  if (g.status === 'resolved') {
    const times = g.alerts
      .map((a) => Date.parse(a.resolvedAt ?? a.endsAt ?? ''))
      .filter((t) => !Number.isNaN(t));
    resolvedAt = new Date(times.length > 0 ? Math.max(...times) : Date.parse(g.updatedAt));
  }
  return {
    id: g.id,
    alertname: alertnameOf(g) ?? '(unnamed)',
    service: g.commonLabels.service ?? g.groupLabels.service ?? g.alerts[0]?.labels.service ?? '(none)',
    priority: g.routing.priority,
    createdAt: new Date(g.createdAt),
    acknowledgedAt: acks.length > 0 ? new Date(Math.min(...acks.map((d) => d.getTime()))) : null,
    resolvedAt,
    alerts: g.alerts.length + (g.prunedResolved ?? 0),
  };
}

/** At most this many incidents in one report (declared in it, or carried over into it). */
const MAX_INCIDENTS = 5_000;

/**
 * Incidents declared before the period's end and not resolved before its start (resolved_at is cleared when an
 * incident reopens; closing keeps it). Their start: the first linked group's first sighting, as the postmortem's.
 */
async function incidentRows(db: Db, range: string[]): Promise<ReportIncidentRow[]> {
  type IncidentRow = Pick<
    Row,
    'number' | 'title' | 'severity' | 'status' | 'declared_at' | 'mitigated_at' | 'resolved_at' | 'closed_at'
  > & { first_alert_at: Time | null };
  const { rows } = await db.query<IncidentRow>(
    `SELECT i.number, i.title, i.severity, i.status, i.declared_at, i.mitigated_at, i.resolved_at, i.closed_at,
       (SELECT min((g.state->>'createdAt')::timestamptz) FROM incident_groups ig
          JOIN alert_groups g ON g.id = ig.group_id WHERE ig.incident_id = i.id) AS first_alert_at
     FROM incidents i
     WHERE i.declared_at < $2 AND (i.resolved_at IS NULL OR i.resolved_at >= $1)
     ORDER BY i.declared_at, i.number LIMIT ${MAX_INCIDENTS}`,
    range,
  );
  return rows.map((r) => ({
    number: Number(r.number),
    title: r.title,
    severity: r.severity,
    status: r.status,
    declaredAt: date(r.declared_at),
    mitigatedAt: maybe(r.mitigated_at),
    resolvedAt: maybe(r.resolved_at),
    closedAt: maybe(r.closed_at),
    firstAlertAt: maybe(r.first_alert_at),
  }));
}
