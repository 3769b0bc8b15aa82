/**
 * The incidents part of the report, as numbers: pure, from the incident rows the ReportSource fetched.
 *
 * Which incidents count:
 * - The figures (by severity, the status split, time to mitigate and resolve) and the list are over the incidents
 *   *declared* in the period, as the alert figures are over the groups first seen in it: each incident belongs
 *   to exactly one period, and the weeks add up.
 * - An incident declared before the period and still open at its start is not among them: it is counted apart,
 *   as carried over (and how many of those were resolved by the period's end).
 * - Everything is as known at the period's end: an incident resolved after it is open in this report, and its
 *   time to resolve is not counted, so the report of a past week says the same whenever it is built.
 */
import { type Durations, durations } from './durations';
import { durationsOf, type Incident, type IncidentStatus, SEVERITIES, type Severity } from './incident';

/** One incident declared before the period's end and not resolved before its start. */
export interface ReportIncidentRow
  extends Pick<
    Incident,
    'number' | 'title' | 'severity' | 'status' | 'declaredAt' | 'mitigatedAt' | 'resolvedAt' | 'closedAt'
  > {
  /** When the first linked alert group was first seen (it may precede the declaration); null: none linked. */
  firstAlertAt: Date | null;
}

/** Where an incident stood at the period's end. */
export type IncidentStanding = 'open' | 'resolved' | 'closed';

export interface IncidentCounts {
  declared: number;
  /** Neither resolved nor closed at the period's end. */
  open: number;
  /** Resolved (and not closed) at the period's end. */
  resolved: number;
  closed: number;
}

export interface ReportIncident {
  number: number;
  title: string;
  severity: Severity;
  /** Its status when the report was built (it may have moved on since the period's end). */
  status: IncidentStatus;
  standing: IncidentStanding;
  /** From its start (the declaration, or its first alert if earlier) to its resolution, or to the period's end while open. */
  durationMs: number;
}

export interface IncidentFigures {
  totals: IncidentCounts;
  /** Every severity, in order, with zeroes. */
  bySeverity: ({ severity: Severity } & IncidentCounts)[];
  timeToMitigate: Durations;
  timeToResolve: Durations;
  /** Declared before the period, still open at its start; `resolved`: of those, resolved or closed by its end. */
  carriedOver: { count: number; resolved: number };
  /** The first LIST_LIMIT incidents declared in the period, most severe first, then in order of declaration. */
  list: ReportIncident[];
  /** Incidents declared in the period left out of `list`. */
  notListed: number;
}

export const INCIDENT_LIST_LIMIT = 25;

const zero = (): IncidentCounts => ({ declared: 0, open: 0, resolved: 0, closed: 0 });
const by = (d: Date | null, until: Date) => d !== null && d.getTime() <= until.getTime();

export function standingAt(
  row: Pick<ReportIncidentRow, 'resolvedAt' | 'closedAt'>,
  until: Date,
): IncidentStanding {
  if (by(row.closedAt, until)) return 'closed';
  if (by(row.resolvedAt, until)) return 'resolved';
  return 'open';
}

export function buildIncidentFigures(
  since: Date,
  until: Date,
  rows: readonly ReportIncidentRow[],
  listLimit = INCIDENT_LIST_LIMIT,
): IncidentFigures {
  const inPeriod = (r: ReportIncidentRow) => r.declaredAt >= since && r.declaredAt < until;
  const declared = rows.filter(inPeriod);
  const carried = rows.filter(
    (r) => r.declaredAt < since && !(r.resolvedAt !== null && r.resolvedAt < since),
  );

  const totals = zero();
  const severities = new Map(SEVERITIES.map((s) => [s, zero()]));
  const toMitigate: number[] = [];
  const toResolve: number[] = [];
  const list: ReportIncident[] = [];
  for (const r of declared) {
    const standing = standingAt(r, until);
    for (const c of [totals, severities.get(r.severity)!]) {
      c.declared++;
      c[standing]++;
    }
    const d = durationsOf(
      {
        declaredAt: r.declaredAt,
        mitigatedAt: asOf(r.mitigatedAt, until),
        resolvedAt: asOf(r.resolvedAt, until),
      },
      r.firstAlertAt,
      null,
    );
    if (d.toMitigateMs !== null) toMitigate.push(d.toMitigateMs);
    if (d.toResolveMs !== null) toResolve.push(d.toResolveMs);
    list.push({
      number: r.number,
      title: r.title,
      severity: r.severity,
      status: r.status,
      standing,
      durationMs: d.toResolveMs ?? Math.max(0, until.getTime() - d.startedAt.getTime()),
    });
  }
  list.sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) || a.number - b.number);
  return {
    totals,
    bySeverity: SEVERITIES.map((severity) => ({ severity, ...severities.get(severity)! })),
    timeToMitigate: durations(toMitigate),
    timeToResolve: durations(toResolve),
    carriedOver: {
      count: carried.length,
      resolved: carried.filter((r) => standingAt(r, until) !== 'open').length,
    },
    list: list.slice(0, listLimit),
    notListed: Math.max(0, list.length - listLimit),
  };
}

/** A time only if it happened by the period's end. */
const asOf = (d: Date | null, until: Date) => (by(d, until) ? d : null);
