import type { KnownBlock } from '@slack/web-api';
import { alertnameOf } from '../../domain/group';
import type { Incident, Severity } from '../../domain/incident';
import type { IncidentRefusal, IncidentView, IncidentWords } from '../../incidents/incident-service';
import type { ChatMessage } from '../../ports';
import { denialText } from './access-text';
import { escapeText, PRIORITY_EMOJI, textObject, truncate } from './mrkdwn';
import { postmortemUpload } from './postmortem';

export const SEVERITY_EMOJI: Record<Severity, string> = {
  SEV1: ':red_circle:',
  SEV2: ':large_orange_circle:',
  SEV3: ':large_yellow_circle:',
  SEV4: ':white_circle:',
};

const STATUS_EMOJI: Record<Incident['status'], string> = {
  investigating: ':mag:',
  identified: ':bulb:',
  monitoring: ':eyes:',
  resolved: ':white_check_mark:',
  closed: ':lock:',
};

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const where = (i: Incident) => (i.mode === 'channel' && i.channelId ? `<#${i.channelId}>` : 'its thread');

/**
 * "🔴 Incident 3: <title>". The title is anyone's words (a command, the dialog, an alert's name): as mrkdwn it is
 * escaped so it can never mention, link or format; `plain` is for plain_text objects, which show it as typed.
 */
function headline(i: Incident, as: 'mrkdwn' | 'plain' = 'mrkdwn'): string {
  const title = as === 'plain' ? i.title : escapeText(i.title);
  return `${SEVERITY_EMOJI[i.severity]} Incident ${i.number}: ${title}`;
}

function rolesLine(i: Incident): string {
  const entries = Object.entries(i.roles).sort(([a], [b]) =>
    a === 'lead' ? -1 : b === 'lead' ? 1 : a.localeCompare(b),
  );
  return entries.map(([role, user]) => `*${cap(role)}:* <@${user}>`).join(' · ');
}

function alertsLine(view: IncidentView): string {
  if (view.groups.length === 0) return '';
  const lines = view.groups
    .slice(0, 10)
    .map(
      (g) => `${PRIORITY_EMOJI[g.routing.priority]} ${escapeText(alertnameOf(g) ?? 'Alert')} (${g.status})`,
    );
  const more = view.groups.length > 10 ? `\n…and ${view.groups.length - 10} more` : '';
  return `*Linked alerts*\n${lines.join('\n')}${more}`;
}

/** The pinned summary at the top of the channel (or the thread's first reply), edited in place. */
function summary(view: IncidentView): ChatMessage {
  const i = view.incident;
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(headline(i, 'plain'), 150), emoji: true } },
    {
      type: 'section',
      text: textObject(
        `*Severity:* ${i.severity} · *Status:* ${STATUS_EMOJI[i.status]} ${i.status}\n${rolesLine(i)}`,
      ),
    },
  ];
  const alerts = alertsLine(view);
  if (alerts) blocks.push({ type: 'section', text: textObject(truncate(alerts, 3000)) });
  blocks.push({
    type: 'context',
    elements: [
      textObject(
        'Add a message to the timeline with :pushpin: or `/incident note <text>` · `/incident status <status>` · `/incident resolve`',
      ),
    ],
  });
  return { text: `${headline(i)} (${i.severity}, ${i.status})`, blocks: blocks.map((b) => ({ ...b })) };
}

/** The broadcast channel's announcement: what, how bad, where to join. Edited in place as the incident changes. */
function announcement(view: IncidentView): ChatMessage {
  const i = view.incident;
  const join = i.mode === 'channel' && i.channelId ? `Join ${where(i)}` : 'Follow it in the alert thread';
  const text = `${headline(i)} · ${i.severity} · ${i.status} · lead <@${i.roles.lead}> · ${join}`;
  return { text, blocks: [{ type: 'section', text: textObject(truncate(text, 3000)) }] };
}

export const INCIDENT_WORDS: IncidentWords = {
  summary,
  postmortem: postmortemUpload,
  announcement,
  topic: (i) =>
    truncate(`${i.severity} · ${i.status} · lead <@${i.roles.lead}> · ${escapeText(i.title)}`, 250),
  linkedAlert: (i) =>
    `:rotating_light: This alert is part of incident ${i.number} (${i.severity}): ${where(i)}`,
  reminder: (i) =>
    `:alarm_clock: Incident ${i.number} (${i.severity}) has had no update for a while. <@${i.roles.lead}>, post one with \`/incident note <text>\` or change the status.`,
};

/** A refused command or click, in words. */
export function refusalText(r: IncidentRefusal): string {
  switch (r.kind) {
    case 'denied':
      return denialText(r.denial);
    case 'not_found':
      return 'No incident here. Run this in an incident channel, or name the incident with its number (`#12`).';
    case 'bad_move':
      return `Incident status cannot go from ${r.from} to ${r.to}.`;
    case 'unknown_role':
      return `No role "${escapeText(r.role)}". Roles: ${r.roles.join(', ')}.`;
    case 'closed':
      return `Incident ${r.incident.number} is closed.`;
  }
}
