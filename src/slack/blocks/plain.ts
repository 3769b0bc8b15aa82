import type { ChatMessage } from '../../ports';
import { SLACK_LIMITS, truncate } from './mrkdwn';

const NOTE = '_(shortened: Slack refused the full message)_';

function textsOf(node: unknown, out: string[]): void {
  if (Array.isArray(node)) {
    for (const n of node) textsOf(n, out);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const o = node as Record<string, unknown>;
  // the words a reader sees; option lists of menus and button labels are left out
  if ((o.type === 'mrkdwn' || o.type === 'plain_text') && typeof o.text === 'string') {
    out.push(o.text);
    return;
  }
  for (const [k, v] of Object.entries(o))
    if ((k !== 'accessory' && k !== 'elements') || o.type === 'context') textsOf(v, out);
}

/**
 * The message as plain text without blocks, cut to Slack's limits: what is sent once when Slack refuses a
 * message as invalid (invalid_blocks, msg_too_long), so the alert still reaches the channel.
 */
export function plainFallback(message: ChatMessage): ChatMessage {
  const texts: string[] = [];
  textsOf(message.blocks, texts);
  const body = texts.length > 0 ? texts.join('\n') : message.text;
  return { text: `${truncate(body, SLACK_LIMITS.fallbackText - NOTE.length - 1)}\n${NOTE}`, blocks: [] };
}
