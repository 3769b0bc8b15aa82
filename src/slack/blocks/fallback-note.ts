import type { ChatMessage } from '../../ports';
import { escapeText, SLACK_LIMITS } from './mrkdwn';

const REASONS: Record<string, string> = {
  SLACK_CHANNEL_NOT_FOUND: 'the channel does not exist or is archived',
  SLACK_NOT_IN_CHANNEL: 'mogo is not a member of that channel (invite it)',
};

/**
 * An alert that could not go to its routed channel goes to the default channel instead, saying why, so
 * nothing is lost and someone can fix the rule or the channel. Pure.
 */
export function withFallbackNote(message: ChatMessage, intended: string, code: string): ChatMessage {
  const why = REASONS[code] ?? code;
  const note = `:warning: Meant for ${escapeText(intended)}, but ${why}; posted here instead.`;
  return {
    text: `(meant for ${intended}) ${message.text}`,
    blocks: [
      { type: 'context', elements: [{ type: 'mrkdwn', text: note }] },
      ...message.blocks.slice(0, SLACK_LIMITS.blocks - 1),
    ],
  };
}
