import { parsePeriod } from '../../incidents/report/run';
import { reportPeriodProblem, reportQueuedText } from '../blocks/report-text';
import { type Subcommand, say } from './registry';

/** `/incident report [period]`: answers at once; the report is built in the background and sent as files. */
export const reportCommand: Subcommand = {
  name: 'report',
  usage: '[period, e.g. 7d]',
  summary: 'alerts, response times, escalations and rollbacks as files in your DMs (default: last 7 days)',
  async handle({ args, user, deps }) {
    if (!deps.reports) return say('Reports are not available here.', 'refused');
    const period = parsePeriod(args[0], deps.clock.now());
    if ('error' in period) return say(reportPeriodProblem(period.error, args[0] ?? ''), 'usage');
    await deps.reports.request({ requestedBy: user.id, deliverTo: user.id, ...period });
    return say(reportQueuedText(period), 'queued');
  },
};
