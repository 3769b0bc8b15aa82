/**
 * The report over a period, as numbers: a pure function of rows fetched from the group, audit and incident tables (the
 * ReportSource port), so a seeded database and hand-computed figures can be compared, and the CLI, the Slack
 * worker and a scheduled report share it.
 */
import { PRIORITIES, type Priority } from './alert';
import { type Durations, durations } from './durations';
import { buildIncidentFigures, type IncidentFigures, type ReportIncidentRow } from './report-incidents';

export { type Durations, durations } from './durations';

/** One alert group first seen in the period. */
export interface ReportGroupRow {
  id: string;
  alertname: string;
  /** The `service` label, or "(none)". */
  service: string;
  priority: Priority;
  createdAt: Date;
  /** First acknowledged (the earliest of its acknowledgement and its first alert.acknowledged row); null: never. */
  acknowledgedAt: Date | null;
  /** When it resolved (its last alert's resolve, by mogo's clock); null while it fires. */
  resolvedAt: Date | null;
  /** Alerts the group has carried (distinct fingerprints). */
  alerts: number;
}

/** An audit row in the period, of the actions the report reads. */
export interface ReportAuditRow {
  action: string;
  subject: string;
  occurredAt: Date;
  details: Record<string, unknown>;
}

export interface ReportInput {
  since: Date;
  until: Date;
  groups: readonly ReportGroupRow[];
  audit: readonly ReportAuditRow[];
  /** Incidents declared before the period's end and not resolved before its start (see report-incidents.ts). */
  incidents: readonly ReportIncidentRow[];
}

export interface Report {
  since: Date;
  until: Date;
  totals: { groups: number; alerts: number };
  /** Every priority, in order, with zeroes. */
  byPriority: { priority: Priority; groups: number; alerts: number }[];
  /** Services by groups, most first (then by name). */
  byService: { service: string; groups: number; alerts: number }[];
  timeToAcknowledge: Durations;
  timeToResolve: Durations;
  escalations: { steps: number; groups: number; reminders: number };
  silences: number;
  /** Rollbacks by outcome: succeeded, failed, denied, expired (zeroes included). */
  rollbacks: Record<RollbackOutcome, number>;
  /**
   * The ten alert names of the period's groups with the most notifications (alert.received rows in the period),
   * then the most groups.
   */
  noisiest: { alertname: string; notifications: number; groups: number }[];
  incidents: IncidentFigures;
}

export const ROLLBACK_OUTCOMES = ['succeeded', 'failed', 'denied', 'expired'] as const;
export type RollbackOutcome = (typeof ROLLBACK_OUTCOMES)[number];

/** The audit actions a report reads. */
export const REPORT_ACTIONS = [
  'alert.received',
  'alert.escalated',
  'alert.reminded',
  'alert.silenced',
  ...ROLLBACK_OUTCOMES.map((o) => `rollback.${o}`),
] as const;

const groupIdOfSubject = (subject: string) => (subject.startsWith('group:') ? subject.slice(6) : undefined);

export function buildReport(input: ReportInput): Report {
  const { groups, audit } = input;

  const priorities = new Map<Priority, { groups: number; alerts: number }>(
    PRIORITIES.map((p) => [p, { groups: 0, alerts: 0 }]),
  );
  const services = new Map<string, { groups: number; alerts: number }>();
  let alerts = 0;
  for (const g of groups) {
    alerts += g.alerts;
    const p = priorities.get(g.priority)!;
    p.groups++;
    p.alerts += g.alerts;
    const s = services.get(g.service) ?? { groups: 0, alerts: 0 };
    s.groups++;
    s.alerts += g.alerts;
    services.set(g.service, s);
  }

  const escalated = new Set<string>();
  const notifications = new Map<string, number>();
  let steps = 0;
  let reminders = 0;
  let silences = 0;
  const rollbacks = Object.fromEntries(ROLLBACK_OUTCOMES.map((o) => [o, 0])) as Record<
    RollbackOutcome,
    number
  >;
  for (const row of audit) {
    const id = groupIdOfSubject(row.subject);
    switch (row.action) {
      case 'alert.received':
        if (id !== undefined) notifications.set(id, (notifications.get(id) ?? 0) + 1);
        break;
      case 'alert.escalated':
        steps++;
        if (id !== undefined) escalated.add(id);
        break;
      case 'alert.reminded':
        reminders++;
        break;
      case 'alert.silenced':
        silences++;
        break;
      default:
        if (row.action.startsWith('rollback.')) {
          const outcome = row.action.slice('rollback.'.length) as RollbackOutcome;
          if (outcome in rollbacks) rollbacks[outcome]++;
        }
    }
  }

  const since = (at: (g: ReportGroupRow) => Date | null) =>
    groups.flatMap((g) => {
      const t = at(g)?.getTime();
      return t === undefined || t < g.createdAt.getTime() ? [] : [t - g.createdAt.getTime()];
    });

  const noisy = new Map<string, { notifications: number; groups: number }>();
  for (const g of groups) {
    const n = noisy.get(g.alertname) ?? { notifications: 0, groups: 0 };
    n.groups++;
    n.notifications += notifications.get(g.id) ?? 0;
    noisy.set(g.alertname, n);
  }
  return {
    since: input.since,
    until: input.until,
    totals: { groups: groups.length, alerts },
    byPriority: PRIORITIES.map((priority) => ({ priority, ...priorities.get(priority)! })),
    byService: [...services]
      .map(([service, v]) => ({ service, ...v }))
      .sort((a, b) => b.groups - a.groups || b.alerts - a.alerts || a.service.localeCompare(b.service)),
    timeToAcknowledge: durations(since((g) => g.acknowledgedAt)),
    timeToResolve: durations(since((g) => g.resolvedAt)),
    escalations: { steps, groups: escalated.size, reminders },
    silences,
    rollbacks,
    noisiest: [...noisy]
      .map(([alertname, v]) => ({ alertname, ...v }))
      .sort(
        (a, b) =>
          b.notifications - a.notifications || b.groups - a.groups || a.alertname.localeCompare(b.alertname),
      )
      .slice(0, 10),
    incidents: buildIncidentFigures(input.since, input.until, input.incidents),
  };
}
