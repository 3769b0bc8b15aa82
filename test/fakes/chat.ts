import type { Chat, ChatMessage, MessageRef } from '../../src/ports';

export type ChatCall =
  | { op: 'post'; channel: string; message: ChatMessage }
  | { op: 'update'; ref: MessageRef; message: ChatMessage }
  | { op: 'postEphemeral'; channel: string; user: string; text: string }
  | { op: 'reply'; ref: MessageRef; text: string }
  | { op: 'openView' | 'updateView'; view: Record<string, unknown> };

/**
 * The one in-process Chat double: records every call, answers like Slack would (a post gets channel C-<name> and
 * ts n.0). Tests that need Slack's HTTP behaviour (rate limits, errors) use the fake Slack server instead.
 */
export function createRecordingChat(): Chat & { calls: ChatCall[] } {
  const calls: ChatCall[] = [];
  return {
    calls,
    async post(channel, message) {
      calls.push({ op: 'post', channel, message });
      return { channel: `C-${channel.replace(/^#/, '')}`, ts: `${calls.length}.0` };
    },
    async update(ref, message) {
      calls.push({ op: 'update', ref, message });
    },
    async postEphemeral(channel, user, text) {
      calls.push({ op: 'postEphemeral', channel, user, text });
    },
    async reply(ref, text) {
      calls.push({ op: 'reply', ref, text });
    },
    async openView(_triggerId, view) {
      calls.push({ op: 'openView', view });
      return { viewId: `V${calls.length}` };
    },
    async updateView(_viewId, view) {
      calls.push({ op: 'updateView', view });
    },
  };
}
