import { type AlertGroup, alertnameOf, countByStatus } from '../../domain/group';
import type { ChatMessage } from '../../ports';
import { escapeText, textObject } from './mrkdwn';

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

export function renderIncidentHelp(): ChatMessage {
  const text = [
    '*mogo* — `/incident` commands',
    '• `/incident status` — open alert groups, most pressing first',
    '• `/incident help` — this help',
  ].join('\n');
  return { text: 'mogo /incident help', blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}
