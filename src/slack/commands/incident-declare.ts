import { parseSeverity } from '../../domain/incident';
import { openDeclareModal } from '../incident-surface';
import { type Subcommand, say } from './registry';

/** `/incident declare [SEVn] [title]`: the declare modal, the severity and title filled in. */
export const declareCommand: Subcommand = {
  name: 'declare',
  usage: '[SEVn] [title]',
  summary: 'declare an incident (a modal: title, severity, lead, alerts to attach)',
  async handle(ctx) {
    const { incidents, chat } = ctx.deps;
    if (!incidents || !chat) return say('Incidents are not enabled here.', 'refused');
    const text = ctx.restAfter(0);
    const sev = /^(sev[1-4])\b\s*/i.exec(text);
    await openDeclareModal(
      { incidents, chat, alerts: ctx.deps.alerts },
      {
        triggerId: ctx.triggerId,
        user: ctx.user.id,
        channel: ctx.channel.id,
        title: sev ? text.slice(sev[0].length) : text,
        ...(sev ? { severity: parseSeverity(sev[1]!) } : {}),
      },
    );
    return say('Opening the declare dialog…', 'ok');
  },
};
