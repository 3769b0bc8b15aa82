import type { Report } from '../../domain/report';
import { formatMs } from '../../incidents/report/format';
import type { PeriodResult } from '../../incidents/report/run';
import { code, slackDate } from './mrkdwn';

/** The message that comes with the report files. */
export function reportComment(r: Report): string {
  return (
    `Your mogo report for ${slackDate(r.since.toISOString())} – ${slackDate(r.until.toISOString())}: ` +
    `${r.totals.groups} alert groups, ${r.totals.alerts} alerts, median time to acknowledge ` +
    `${formatMs(r.timeToAcknowledge.medianMs)}, ${r.escalations.steps} escalation steps; ` +
    `${r.incidents.totals.declared} incidents declared (${r.incidents.totals.open} still open), median time ` +
    `to resolve ${formatMs(r.incidents.timeToResolve.medianMs)}.`
  );
}

/** The immediate answer to `/incident report`. */
export function reportQueuedText(period: Extract<PeriodResult, { since: Date }>): string {
  return `Preparing your report for ${slackDate(period.since.toISOString())} – ${slackDate(period.until.toISOString())}… It will arrive as files in your direct messages with mogo.`;
}

export function reportPeriodProblem(error: 'invalid' | 'too_long', text: string): string {
  return error === 'too_long'
    ? `A report covers at most a year, not ${code(text)}.`
    : `${code(text)} is not a period: use a length such as \`7d\`, \`24h\` or \`2w\` (default 7 days).`;
}
