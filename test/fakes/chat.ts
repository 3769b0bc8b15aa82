import type { Chat, ChatMessage, MessageRef } from '../../src/ports';

export type ChatCall =
  | { op: 'post'; channel: string; message: ChatMessage }
  | { op: 'update'; ref: MessageRef; message: ChatMessage }
  | { op: 'postEphemeral'; channel: string; user: string; text: string }
  | { op: 'reply'; ref: MessageRef; text: string }
  | { op: 'openView' | 'updateView'; view: Record<string, unknown> }
  | { op: 'channel'; method: string; args: unknown[] };

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
    async createChannel(name, opts) {
      calls.push({ op: 'channel', method: 'createChannel', args: [name, opts] });
      return { id: `C-${name}`, name };
    },
    async findChannel(...args) {
      calls.push({ op: 'channel', method: 'findChannel', args });
      return { channel: null, next: null };
    },
    async renameChannel(channel, name) {
      calls.push({ op: 'channel', method: 'renameChannel', args: [channel, name] });
      return { name };
    },
    async setTopic(...args) {
      calls.push({ op: 'channel', method: 'setTopic', args });
    },
    async invite(...args) {
      calls.push({ op: 'channel', method: 'invite', args });
    },
    async pin(...args) {
      calls.push({ op: 'channel', method: 'pin', args });
    },
    async addBookmark(...args) {
      calls.push({ op: 'channel', method: 'addBookmark', args });
    },
    async archive(...args) {
      calls.push({ op: 'channel', method: 'archive', args });
    },
    async messageAt(...args) {
      calls.push({ op: 'channel', method: 'messageAt', args });
      return null;
    },
    async uploadFile(...args) {
      calls.push({ op: 'channel', method: 'uploadFile', args });
    },
  };
}
