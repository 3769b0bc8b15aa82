import type { MessageRef } from './alert-store';

/** A Block Kit message: `text` is the notification / accessibility fallback. */
export interface ChatMessage {
  text: string;
  blocks: Record<string, unknown>[];
  /** Post as a reply in this thread (an incident in thread mode). */
  threadTs?: string;
}

/**
 * How a call may use the shared Slack budget. Calls are scheduled inside Slack's limits: one that would have
 * to wait longer than `maxWaitMs` for its budget fails at once with SLACK_RATE_LIMITED and
 * `details.retryAfterMs`, without reaching Slack (as does a 429 from Slack itself).
 */
export interface SendOptions {
  /** A P1: may draw on the tokens routine work must leave, so it never waits behind a storm. */
  urgent?: boolean;
  /** Longest wait for the budget; the render queue passes 0 and serves other work meanwhile. Default 2 s. */
  maxWaitMs?: number;
}

/** A message as Slack stored it: who wrote it and what it says (the incident timeline's pinned messages). */
export interface ChatMessageRecord {
  ts: string;
  user: string | null;
  text: string;
}

/** A channel as Slack lists it: enough to tell whether it is the one mogo asked Slack to make. */
export interface ListedChannel {
  id: string;
  name: string;
  createdAt: Date;
  /** Created by mogo's own bot user (not a person, not another app). */
  byMogo: boolean;
}

/** One page of a search by name: the channel once found (names are unique), else where to go on (null: the end). */
export interface ChannelSearchPage {
  channel: ListedChannel | null;
  next: string | null;
}

/**
 * What incident channels need (Slack Tier 2 for conversations.*, paced in the shared budget). Idempotent where
 * Slack allows it: inviting someone already there, pinning a pinned message or archiving an archived channel
 * succeed; a name in use fails with SLACK_NAME_TAKEN so the caller can try another.
 */
export interface ChannelChat {
  createChannel(name: string, opts: { private: boolean }): Promise<{ id: string; name: string }>;
  /**
   * Looks for the channel named `name` one page at a time (Slack has no lookup by name short of listing every
   * channel: conversations.list, Tier 2; public channels and the private ones mogo is in, archived ones left
   * out), from `from` (null: the start). Only a retried channel step calls it, and it bounds the walk.
   */
  findChannel(name: string, from: string | null): Promise<ChannelSearchPage>;
  renameChannel(channel: string, name: string): Promise<{ name: string }>;
  setTopic(channel: string, topic: string): Promise<void>;
  invite(channel: string, users: string[]): Promise<void>;
  pin(ref: MessageRef): Promise<void>;
  addBookmark(channel: string, title: string, link: string): Promise<void>;
  archive(channel: string): Promise<void>;
  /** One message by its ts (conversations.history latest=ts inclusive limit=1), or a thread reply's; null if gone. */
  messageAt(channel: string, ts: string): Promise<ChatMessageRecord | null>;
  /**
   * Uploads a text file (files.getUploadURLExternal, upload, files.completeUploadExternal) into a channel, or
   * with a user id (U…/W…) into that person's direct messages with mogo; `comment` is the message with it.
   */
  uploadFile(
    channel: string,
    file: { filename: string; title: string; content: string; comment?: string },
  ): Promise<void>;
}

/** The only way the core talks to Slack. Errors are AppErrors with SLACK_* codes. */
export interface Chat extends ChannelChat {
  post(channel: string, message: ChatMessage, send?: SendOptions): Promise<MessageRef>;
  update(ref: MessageRef, message: ChatMessage, send?: SendOptions): Promise<void>;
  postEphemeral(channel: string, user: string, text: string): Promise<void>;
  reply(ref: MessageRef, text: string, send?: SendOptions): Promise<void>;
  /** Opens a modal (Block Kit `view`) for the click that carried `triggerId` (valid for 3 seconds). */
  openView(triggerId: string, view: Record<string, unknown>): Promise<{ viewId: string }>;
  /** Replaces an open modal, e.g. the "working out the plan" view once the plan is known. */
  updateView(viewId: string, view: Record<string, unknown>): Promise<void>;
}
