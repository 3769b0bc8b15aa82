/**
 * A Report as files: a Markdown summary for people, a CSV (one row per figure) for spreadsheets, JSON for
 * scripts. Plain documents, not Slack messages: the CLI prints them and the Slack worker uploads them.
 */
import type { Durations, Report } from '../../domain/report';

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

const cell = (s: string | number) => String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');
const table = (head: string[], rows: (string | number)[][]) =>
  [
    `| ${head.join(' | ')} |`,
    `|${head.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');

const durationRow = (name: string, d: Durations) => [name, d.count, formatMs(d.medianMs), formatMs(d.p90Ms)];

/** "## Title", a blank line, the table (or `empty` when it has no rows), a blank line. */
function section(title: string, head: string[], rows: (string | number)[][], empty = 'None.'): string[] {
  return [`## ${title}`, '', rows.length === 0 ? empty : table(head, rows), ''];
}

export function reportMarkdown(r: Report): string {
  return [
    `# mogo report ${day(r.since)} – ${day(r.until)}`,
    '',
    `${r.totals.groups} alert groups, ${r.totals.alerts} alerts; ${r.escalations.steps} escalation steps on ${r.escalations.groups} groups, ${r.escalations.reminders} reminders; ${r.silences} silences.`,
    '',
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

const csvField = (v: string | number) => {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
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
  for (const [key, d] of [
    ['acknowledge', r.timeToAcknowledge],
    ['resolve', r.timeToResolve],
  ] as const) {
    add('time_to', key, 'groups', d.count);
    add('time_to', key, 'median_seconds', d.medianMs === null ? null : d.medianMs / 1000);
    add('time_to', key, 'p90_seconds', d.p90Ms === null ? null : d.p90Ms / 1000);
  }
  add('escalations', 'all', 'steps', r.escalations.steps);
  add('escalations', 'all', 'groups', r.escalations.groups);
  add('escalations', 'all', 'reminders', r.escalations.reminders);
  add('silences', 'all', 'created', r.silences);
  for (const [k, v] of Object.entries(r.rollbacks)) add('rollbacks', k, 'count', v);
  for (const n of r.noisiest) {
    add('noisiest', n.alertname, 'notifications', n.notifications);
    add('noisiest', n.alertname, 'groups', n.groups);
  }
  return `${rows.map((row) => row.map(csvField).join(',')).join('\n')}\n`;
}
