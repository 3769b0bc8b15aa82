import { buildReport } from '../../domain/report';
import type { ReportIncidentRow } from '../../domain/report-incidents';
import { reportComment } from '../../slack/blocks/report-text';
import { formatReport, markdownText } from './format';

const MIN = 60_000;
const since = new Date('2026-03-02T00:00:00.000Z');
const until = new Date('2026-03-09T00:00:00.000Z');
const at = (minutes: number) => new Date(since.getTime() + minutes * MIN);
const HOSTILE = '=HYPERLINK("http://x") | *db* <@U1> [a](b)\nline two, "quoted"';

const row = (number: number, over: Partial<ReportIncidentRow> = {}): ReportIncidentRow => ({
  number,
  title: `Incident ${number}`,
  severity: 'SEV2',
  status: 'resolved',
  declaredAt: at(number),
  mitigatedAt: at(number + 10),
  resolvedAt: at(number + 65),
  closedAt: null,
  firstAlertAt: null,
  ...over,
});

function report(incidents: ReportIncidentRow[]) {
  return buildReport({ since, until, groups: [], audit: [], incidents });
}

describe('the report with incidents, as files', () => {
  const r = report([
    row(7, { title: HOSTILE, severity: 'SEV1', status: 'monitoring', resolvedAt: null }),
    row(8),
    ...Array.from({ length: 25 }, (_, i) => row(100 + i, { severity: 'SEV4' })),
  ]);

  it('Markdown: counts, response times, the list with titles escaped as text and a count of the rest', () => {
    const md = formatReport(r, 'md');
    expect(md).toContain(
      '27 incidents declared: 1 still open at the end of the period, 26 resolved, 0 closed.',
    );
    expect(md).toContain('| SEV1 | 1 | 1 | 0 | 0 |');
    expect(md).toContain('| SEV4 | 25 | 0 | 25 | 0 |');
    expect(md).toContain('| Time to mitigate | 27 | 10m | 10m |');
    expect(md).toContain('| Time to resolve | 26 | 1h 5m | 1h 5m |');
    expect(md).toContain(
      '| 7 | =HYPERLINK("http://x") \\| \\*db\\* \\<@U1\\> \\[a\\](b) line two, "quoted" | SEV1 | monitoring | 6d 23h 53m (open) |',
    );
    expect(md).toContain('| 8 | Incident 8 | SEV2 | resolved | 1h 5m |');
    expect(md).toContain('…and 2 more.');
    expect(md.split('\n').filter((l) => /^\| 1\d\d \|/.test(l))).toHaveLength(23);
  });

  it('CSV: one figure a row; a title is quoted and kept from being read as a formula', () => {
    const csv = formatReport(r, 'csv');
    expect(csv).toContain('incidents,all,declared,27\n');
    expect(csv).toContain('incidents,all,open,1\n');
    expect(csv).toContain('incidents,all,not_listed,2\n');
    expect(csv).toContain('severity,SEV4,resolved,25\n');
    expect(csv).toContain('incident_time_to,resolve,median_seconds,3900\n');
    expect(csv).toContain('incident,8,duration_seconds,3900\n');
    expect(csv).toContain(
      `incident,7,title,"'=HYPERLINK(""http://x"") | *db* <@U1> [a](b)\nline two, ""quoted"""\n`,
    );
    expect(csv).toContain('incident,7,standing,open\n');
  });

  it('JSON: the figures and the title as it was typed', () => {
    const json = JSON.parse(formatReport(r, 'json'));
    expect(json.incidents.totals).toEqual({ declared: 27, open: 1, resolved: 26, closed: 0 });
    expect(json.incidents.list[0]).toMatchObject({ number: 7, title: HOSTILE, standing: 'open' });
    expect(json.incidents.notListed).toBe(2);
  });

  it('no incidents: says so', () => {
    const empty = report([]);
    const md = formatReport(empty, 'md');
    expect(md).toContain('0 incidents declared: 0 still open');
    expect(md).toMatch(/## Incidents declared\n\nNo incidents\./);
    expect(md).toContain('| Time to resolve | 0 | – | – |');
    expect(formatReport(empty, 'csv')).toContain('incident_time_to,resolve,median_seconds,\n');
  });

  it('the Slack comment carries the incident counts (no titles)', () => {
    expect(reportComment(r)).toContain('27 incidents declared (1 still open), median time to resolve 1h 5m.');
    expect(reportComment(r)).not.toContain('HYPERLINK');
  });

  it('markdownText leaves plain words alone', () => {
    expect(markdownText('Payments API down (eu-west-1)')).toBe('Payments API down (eu-west-1)');
    expect(markdownText('a\\b & c')).toBe('a\\\\b \\& c');
  });
});
