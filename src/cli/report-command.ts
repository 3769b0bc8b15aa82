import { parseArgs } from 'node:util';
import { formatReport, REPORT_FORMATS, type ReportFormat } from '../incidents/report/format';
import { buildReportFor, parsePeriod } from '../incidents/report/run';
import type { Db } from '../store/db';
import { createSqlAlertStore } from '../store/sql-alert-store';
import { createSqlReportSource } from '../store/sql-reports';
import type { Output } from './rules-test';

export const REPORT_USAGE = `  report [--since <time|length>] [--until <time>] [--format md|csv|json]
                        the report /incident report sends, printed: incidents declared by severity (open,
                        resolved, closed), time to mitigate and resolve them, the list of them; alerts and groups
                        by priority and service, time to acknowledge and resolve (median, p90), escalations,
                        silences, rollbacks, the noisiest alerts. --since: RFC 3339 time or a length such as 7d
                        (default 7d); --until: default now
`;

/** `mogo report`: 0 with the report on stdout, 2 on bad usage. Reads the database `mogo serve` uses. */
export async function reportCommand(db: Db, args: string[], io: Output, now: Date): Promise<number> {
  let since: Date;
  let until: Date;
  let format: ReportFormat;
  try {
    const { values } = parseArgs({
      args,
      strict: true,
      options: { since: { type: 'string' }, until: { type: 'string' }, format: { type: 'string' } },
    });
    until = values.until === undefined ? now : instant(values.until, '--until');
    format = (values.format ?? 'md') as ReportFormat;
    if (!REPORT_FORMATS.includes(format))
      throw new Error(`--format must be one of ${REPORT_FORMATS.join(', ')}`);
    if (values.since !== undefined && /^\d{4}-/.test(values.since)) since = instant(values.since, '--since');
    else {
      const period = parsePeriod(values.since, until);
      if ('error' in period)
        throw new Error(
          '--since must be an RFC 3339 time or a length such as 7d, 24h or 2w (at most a year)',
        );
      since = period.since;
    }
    if (since >= until) throw new Error('--since must be before --until');
  } catch (e) {
    io.err(`mogo report: ${(e as Error).message}\n\n${REPORT_USAGE}`);
    return 2;
  }
  const report = await buildReportFor(createSqlReportSource(db, createSqlAlertStore(db)), since, until);
  io.out(formatReport(report, format));
  return 0;
}

function instant(s: string, flag: string): Date {
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) throw new Error(`${flag} ${JSON.stringify(s)} is not a time (RFC 3339)`);
  return d;
}
