import { type AlertGroup, alertnameOf, countByStatus } from '../../domain/group';
import type { ChatMessage } from '../../ports';
import { escapeEntities, escapeText, textObject } from './mrkdwn';

const MAX_LISTED = 15;

/** `/incident status`: the open alert groups, most pressing first. Pure. */
export function renderIncidentStatus(open: AlertGroup[]): ChatMessage {
  if (open.length === 0) {
    return {
      text: 'No open alerts.',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: ':white_check_mark: No open alerts.' } }],
    };
  }
  const sorted = [...open].sort(
    (a, b) => a.routing.priority.localeCompare(b.routing.priority) || b.updatedAt.localeCompare(a.updatedAt),
  );
  const lines = sorted.slice(0, MAX_LISTED).map((g) => {
    const { firing } = countByStatus(g);
    const name = alertnameOf(g) ?? g.groupKey;
    const ack = g.ack ? ` · acked by <@${g.ack.by}>` : ' · *not acknowledged*';
    return `*${g.routing.priority}* ${escapeText(name)} · ${firing} firing · ${escapeText(g.routing.channel)}${ack}`;
  });
  if (sorted.length > MAX_LISTED) lines.push(`…and ${sorted.length - MAX_LISTED} more`);
  const title = `${open.length} open alert group${open.length === 1 ? '' : 's'}`;
  return {
    text: title,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: title } },
      { type: 'section', text: textObject(lines.join('\n').slice(0, 3000)) },
    ],
  };
}

/** One line of `/incident help`; each subcommand carries its own (src/slack/commands/*.ts). */
export interface HelpEntry {
  name: string;
  usage: string;
  summary: string;
}

/** `/incident help`, or the help shown for unknown input with `problem` said first. Pure. */
export function renderIncidentHelp(entries: readonly HelpEntry[], problem?: string): ChatMessage {
  const lines = entries.map((e) => {
    const call = e.usage ? `/incident ${e.name} ${e.usage}` : `/incident ${e.name}`;
    return `• \`${escapeEntities(call)}\` — ${escapeText(e.summary)}`;
  });
  const text = ['*mogo* — `/incident` commands', ...lines].join('\n');
  const blocks: Record<string, unknown>[] = [];
  if (problem) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: problem } });
  blocks.push({ type: 'section', text: { type: 'mrkdwn', text: text.slice(0, 3000) } });
  return { text: problem ? stripMrkdwn(problem) : 'mogo /incident help', blocks };
}

function stripMrkdwn(s: string): string {
  return s.replace(/[`*]/g, '');
}
