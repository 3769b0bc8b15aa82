import { alertnameOf } from '../../domain/group';
import type { EscalationEvent } from '../../ports';
import { formatDuration } from '../../rules/time';
import { escapeText } from './mrkdwn';

/** A duration as people say it: "12m", "1h 5m" (seconds only under a minute). */
export function humanDuration(ms: number): string {
  const rounded = ms >= 60_000 ? Math.floor(ms / 60_000) * 60_000 : ms;
  return formatDuration(rounded).replace(/(\d)([a-z])(?=\d)/g, '$1$2 ');
}

/** The thread reply for an escalation step or a reminder (mentions first, so they notify). */
export function escalationText(event: EscalationEvent): string {
  const g = event.group;
  const name = escapeText(alertnameOf(g) ?? 'alert group');
  const what = `*[${g.routing.priority}] ${name}*`;
  if (event.kind === 'reminded') {
    return `:bell: Reminder: ${what} is still firing ${humanDuration(event.acknowledgedMs)} after <@${event.ackBy}> acknowledged it.`;
  }
  const unacked = humanDuration(event.unacknowledgedMs);
  const step = event.steps > 1 ? ` (step ${event.step} of ${event.steps})` : '';
  if (event.mention)
    return `${event.mention} :rotating_light: ${what} has not been acknowledged for ${unacked}${step}. Please take a look and press Acknowledge.`;
  const nobody =
    event.target === null
      ? ''
      : ` Nobody is on call for ${escapeText(event.target === 'oncall' ? (g.routing.team ?? 'this alert’s team') : event.target.replace(/^oncall:/, ''))}.`;
  return `:rotating_light: ${what} has not been acknowledged for ${unacked}${step}.${nobody}`;
}
