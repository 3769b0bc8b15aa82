/**
 * A Report as files: a Markdown summary for people, a CSV (one row per figure) for spreadsheets, JSON for
 * scripts. Text from outside (incident titles, alert names) is escaped for each: Markdown, CSV, JSON. Plain documents, not Slack messages: the CLI prints them and the Slack worker uploads them.
 */
import type { Durations, Report } from '../../domain/report';
import type { IncidentFigures, ReportIncident } from '../../domain/report-incidents';

export type ReportFormat = 'md' | 'csv' | 'json';
export const REPORT_FORMATS: readonly ReportFormat[] = ['md', 'csv', 'json'];

export function formatReport(report: Report, format: ReportFormat): string {
  if (format === 'md') return reportMarkdown(report);
  if (format === 'csv') return reportCsv(report);
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** "2026-03-02" for a period that starts at midnight UTC, else the full instant. */
function day(d: Date): string {
  const iso = d.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.replace('.000Z', 'Z');
}

/** "mogo-report-2026-03-02-2026-03-09": the files' base name. */
export function reportFileBase(report: Report): string {
  return `mogo-report-${day(report.since).slice(0, 10)}-${day(report.until).slice(0, 10)}`;
}

/** 1h 5m, 12m, 40s; "–" when there is nothing to measure. */
export function formatMs(ms: number | null): string {
  if (ms === null) return '–';
  const s = Math.round(ms / 1000);
  const parts: string[] = [];
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d) parts.push(`${d}d`);
  if (h) parts.push(`${h}h`);
  if (m) parts.push(`${m}m`);
  if (parts.length === 0 || (s < 60 && s % 60)) parts.push(`${s % 60}s`);
  return parts.join(' ');
}

/**
 * Text from outside (incident titles, alert names, services) as one line of plain Markdown text: every
 * character that could open emphasis, code, a link, HTML or an entity, or end the table cell, is
 * backslash-escaped (CommonMark lets any ASCII punctuation be), and line breaks become spaces.
 */
export const markdownText = (s: string) => s.replace(/[\r\n]+/g, ' ').replace(/[\\`*_[\]<>|~&]/g, '\\$&');
const cell = (s: string | number) => (typeof s === 'number' ? String(s) : markdownText(s));
/** The first `textColumns` columns are aligned left (names, titles), the rest right (figures). */
const table = (head: string[], rows: (string | number)[][], textColumns = 1) =>
  [
    `| ${head.join(' | ')} |`,
    `|${head.map((_, i) => (i < textColumns ? ' --- ' : ' ---: ')).join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');

const durationRow = (name: string, d: Durations) => [name, d.count, formatMs(d.medianMs), formatMs(d.p90Ms)];

/** "## Title", a blank line, the table (or `empty` when it has no rows), a blank line. */
function section(
  title: string,
  head: string[],
  rows: (string | number)[][],
  empty = 'None.',
  textColumns = 1,
): string[] {
  return [`## ${title}`, '', rows.length === 0 ? empty : table(head, rows, textColumns), ''];
}

/** "2h 5m", or "3d 1h (open)" for one still open at the period's end. */
const incidentDuration = (i: ReportIncident) =>
  i.standing === 'open' ? `${formatMs(i.durationMs)} (open)` : formatMs(i.durationMs);

function incidentsMarkdown(f: IncidentFigures): string[] {
  const t = f.totals;
  const carried =
    f.carriedOver.count === 0
      ? ''
      : ` ${f.carriedOver.count} declared earlier were still open at the start (${f.carriedOver.resolved} resolved since).`;
  return [
    `${t.declared} incidents declared: ${t.open} still open at the end of the period, ${t.resolved} resolved, ${t.closed} closed.${carried}`,
    '',
    ...section(
      'Incidents by severity',
      ['Severity', 'Declared', 'Open', 'Resolved', 'Closed'],
      f.bySeverity.map((s) => [s.severity, s.declared, s.open, s.resolved, s.closed]),
    ),
    ...section(
      'Incident response times',
      ['', 'Incidents', 'Median', 'p90'],
      [durationRow('Time to mitigate', f.timeToMitigate), durationRow('Time to resolve', f.timeToResolve)],
    ),
    ...section(
      'Incidents declared',
      ['#', 'Title', 'Severity', 'Status', 'Duration'],
      f.list.map((i) => [i.number, i.title, i.severity, i.status, incidentDuration(i)]),
      'No incidents.',
      4,
    ),
    ...(f.notListed > 0 ? [`…and ${f.notListed} more.`, ''] : []),
  ];
}

export function reportMarkdown(r: Report): string {
  return [
    `# mogo report ${day(r.since)} – ${day(r.until)}`,
    '',
    `${r.totals.groups} alert groups, ${r.totals.alerts} alerts; ${r.escalations.steps} escalation steps on ${r.escalations.groups} groups, ${r.escalations.reminders} reminders; ${r.silences} silences.`,
    '',
    ...incidentsMarkdown(r.incidents),
    ...section(
      'By priority',
      ['Priority', 'Groups', 'Alerts'],
      r.byPriority.map((p) => [p.priority, p.groups, p.alerts]),
    ),
    ...section(
      'By service',
      ['Service', 'Groups', 'Alerts'],
      r.byService.map((s) => [s.service, s.groups, s.alerts]),
      'No alert groups.',
    ),
    ...section(
      'Response times',
      ['', 'Groups', 'Median', 'p90'],
      [
        durationRow('Time to acknowledge', r.timeToAcknowledge),
        durationRow('Time to resolve', r.timeToResolve),
      ],
    ),
    ...section('Rollbacks', ['Outcome', 'Rollbacks'], Object.entries(r.rollbacks)),
    ...section(
      'Noisiest alerts',
      ['Alert', 'Notifications', 'Groups'],
      r.noisiest.map((n) => [n.alertname, n.notifications, n.groups]),
      'No alerts.',
    ),
  ].join('\n');
}

/**
 * RFC 4180 quoting; text that a spreadsheet would read as a formula (= + - @, a tab or carriage return first)
 * is prefixed with an apostrophe, as OWASP advises for CSV injection. Numbers are written as they are.
 */
const csvField = (v: string | number) => {
  if (typeof v === 'number') return String(v);
  const s = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** section,key,metric,value: one figure a row, so the file filters and pivots without parsing. */
export function reportCsv(r: Report): string {
  const rows: (string | number)[][] = [['section', 'key', 'metric', 'value']];
  const add = (section: string, key: string, metric: string, value: number | string | null) =>
    rows.push([section, key, metric, value === null ? '' : value]);
  add('period', 'since', 'iso', r.since.toISOString());
  add('period', 'until', 'iso', r.until.toISOString());
  add('totals', 'all', 'groups', r.totals.groups);
  add('totals', 'all', 'alerts', r.totals.alerts);
  for (const p of r.byPriority) {
    add('priority', p.priority, 'groups', p.groups);
    add('priority', p.priority, 'alerts', p.alerts);
  }
  for (const s of r.byService) {
    add('service', s.service, 'groups', s.groups);
    add('service', s.service, 'alerts', s.alerts);
  }
  const times = (section: string, key: string, unit: string, d: Durations) => {
    add(section, key, unit, d.count);
    add(section, key, 'median_seconds', d.medianMs === null ? null : d.medianMs / 1000);
    add(section, key, 'p90_seconds', d.p90Ms === null ? null : d.p90Ms / 1000);
  };
  times('time_to', 'acknowledge', 'groups', r.timeToAcknowledge);
  times('time_to', 'resolve', 'groups', r.timeToResolve);
  add('escalations', 'all', 'steps', r.escalations.steps);
  add('escalations', 'all', 'groups', r.escalations.groups);
  add('escalations', 'all', 'reminders', r.escalations.reminders);
  add('silences', 'all', 'created', r.silences);
  for (const [k, v] of Object.entries(r.rollbacks)) add('rollbacks', k, 'count', v);
  for (const n of r.noisiest) {
    add('noisiest', n.alertname, 'notifications', n.notifications);
    add('noisiest', n.alertname, 'groups', n.groups);
  }
  const f = r.incidents;
  for (const [metric, v] of Object.entries(f.totals)) add('incidents', 'all', metric, v);
  add('incidents', 'carried_over', 'count', f.carriedOver.count);
  add('incidents', 'carried_over', 'resolved', f.carriedOver.resolved);
  add('incidents', 'all', 'not_listed', f.notListed);
  for (const { severity, ...counts } of f.bySeverity)
    for (const [metric, v] of Object.entries(counts)) add('severity', severity, metric, v);
  times('incident_time_to', 'mitigate', 'incidents', f.timeToMitigate);
  times('incident_time_to', 'resolve', 'incidents', f.timeToResolve);
  for (const i of f.list) {
    const key = String(i.number);
    add('incident', key, 'title', i.title);
    add('incident', key, 'severity', i.severity);
    add('incident', key, 'status', i.status);
    add('incident', key, 'standing', i.standing);
    add('incident', key, 'duration_seconds', i.durationMs / 1000);
  }
  return `${rows.map((row) => row.map(csvField).join(',')).join('\n')}\n`;
}
