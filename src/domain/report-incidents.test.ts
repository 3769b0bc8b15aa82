import type { Severity } from './incident';
import { buildIncidentFigures, type ReportIncidentRow } from './report-incidents';

const MIN = 60_000;
const T0 = Date.parse('2026-03-02T00:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * MIN);
const since = at(0);
const until = at(7 * 24 * 60);

let n = 0;
function incident(
  severity: Severity,
  declared: number,
  times: { mitigated?: number; resolved?: number; closed?: number; firstAlert?: number } = {},
): ReportIncidentRow {
  const resolved = times.resolved ?? times.closed;
  return {
    number: ++n,
    title: `incident ${n}`,
    severity,
    status: times.closed !== undefined ? 'closed' : resolved !== undefined ? 'resolved' : 'investigating',
    declaredAt: at(declared),
    mitigatedAt: times.mitigated === undefined ? null : at(times.mitigated),
    resolvedAt: resolved === undefined ? null : at(resolved),
    closedAt: times.closed === undefined ? null : at(times.closed),
    firstAlertAt: times.firstAlert === undefined ? null : at(times.firstAlert),
  };
}

describe('incident figures of a report', () => {
  beforeEach(() => {
    n = 0;
  });

  it('no incidents: zeroes for every severity, no durations, an empty list', () => {
    const f = buildIncidentFigures(since, until, []);
    expect(f.totals).toEqual({ declared: 0, open: 0, resolved: 0, closed: 0 });
    expect(f.bySeverity.map((s) => s.severity)).toEqual(['SEV1', 'SEV2', 'SEV3', 'SEV4']);
    expect(f.bySeverity.every((s) => s.declared === 0)).toBe(true);
    expect(f.timeToMitigate).toEqual({ count: 0, medianMs: null, p90Ms: null });
    expect(f.timeToResolve).toEqual({ count: 0, medianMs: null, p90Ms: null });
    expect(f.carriedOver).toEqual({ count: 0, resolved: 0 });
    expect(f.list).toEqual([]);
    expect(f.notListed).toBe(0);
  });

  it('counts by severity and standing; medians and p90 by nearest rank, from the first alert when earlier', () => {
    const rows = [
      incident('SEV1', 100, { mitigated: 110, resolved: 130, firstAlert: 90 }), // 20m, 40m from the alert
      incident('SEV2', 200, { mitigated: 205, closed: 260 }), // 5m, 60m
      incident('SEV2', 300, { mitigated: 310 }), // 10m, open
      incident('SEV3', 400), // open, never mitigated
    ];
    const f = buildIncidentFigures(since, until, rows);
    expect(f.totals).toEqual({ declared: 4, open: 2, resolved: 1, closed: 1 });
    expect(f.bySeverity).toEqual([
      { severity: 'SEV1', declared: 1, open: 0, resolved: 1, closed: 0 },
      { severity: 'SEV2', declared: 2, open: 1, resolved: 0, closed: 1 },
      { severity: 'SEV3', declared: 1, open: 1, resolved: 0, closed: 0 },
      { severity: 'SEV4', declared: 0, open: 0, resolved: 0, closed: 0 },
    ]);
    // mitigated after 20, 5, 10 minutes; resolved after 40, 60 (open incidents have no time to resolve)
    expect(f.timeToMitigate).toEqual({ count: 3, medianMs: 10 * MIN, p90Ms: 20 * MIN });
    expect(f.timeToResolve).toEqual({ count: 2, medianMs: 40 * MIN, p90Ms: 60 * MIN });
  });

  it('lists the most severe first, an open one lasting to the period end; caps the list and counts the rest', () => {
    const rows = [
      incident('SEV3', 10, { resolved: 20 }),
      incident('SEV1', 7 * 24 * 60 - 30),
      incident('SEV3', 5, { resolved: 6 }),
      incident('SEV2', 1, { resolved: 61 }),
    ];
    const f = buildIncidentFigures(since, until, rows, 3);
    expect(f.list.map((i) => [i.number, i.severity, i.standing, i.durationMs / MIN])).toEqual([
      [2, 'SEV1', 'open', 30],
      [4, 'SEV2', 'resolved', 60],
      [1, 'SEV3', 'resolved', 10],
    ]);
    expect(f.list[0]).toMatchObject({ title: 'incident 2', status: 'investigating' });
    expect(f.notListed).toBe(1);
    expect(f.totals.declared).toBe(4);
  });

  it('declared before the period and resolved within it: carried over, not in the figures nor the list', () => {
    const rows = [
      incident('SEV1', -60, { mitigated: -30, resolved: 30 }), // resolved within the period
      incident('SEV2', -600), // still open
      incident('SEV2', -900, { resolved: -800 }), // resolved before the period: not carried over
      incident('SEV3', 60, { resolved: 90 }),
    ];
    const f = buildIncidentFigures(since, until, rows);
    expect(f.carriedOver).toEqual({ count: 2, resolved: 1 });
    expect(f.totals).toEqual({ declared: 1, open: 0, resolved: 1, closed: 0 });
    expect(f.timeToResolve).toEqual({ count: 1, medianMs: 30 * MIN, p90Ms: 30 * MIN });
    expect(f.list.map((i) => i.number)).toEqual([4]);
  });

  it('as known at the period end: declared at the end belongs to the next period; resolved after it stays open', () => {
    const end = 7 * 24 * 60;
    const rows = [
      incident('SEV1', end - 10, { mitigated: end - 5, resolved: end + 50 }),
      incident('SEV2', end, { resolved: end + 1 }),
    ];
    const f = buildIncidentFigures(since, until, rows);
    expect(f.totals).toEqual({ declared: 1, open: 1, resolved: 0, closed: 0 });
    expect(f.timeToMitigate).toEqual({ count: 1, medianMs: 5 * MIN, p90Ms: 5 * MIN });
    expect(f.timeToResolve.count).toBe(0);
    expect(f.list).toEqual([
      expect.objectContaining({ number: 1, status: 'resolved', standing: 'open', durationMs: 10 * MIN }),
    ]);
  });
});
