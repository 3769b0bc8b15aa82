import type { MessageRef } from './alert-store';

/** A Block Kit message: `text` is the notification / accessibility fallback. */
export interface ChatMessage {
  text: string;
  blocks: Record<string, unknown>[];
}

/** The only way the core talks to Slack. Errors are AppErrors with SLACK_* codes. */
export interface Chat {
  post(channel: string, message: ChatMessage): Promise<MessageRef>;
  update(ref: MessageRef, message: ChatMessage): Promise<void>;
  postEphemeral(channel: string, user: string, text: string): Promise<void>;
  reply(ref: MessageRef, text: string): Promise<void>;
  /** Opens a modal (Block Kit `view`) for the click that carried `triggerId` (valid for 3 seconds). */
  openView(triggerId: string, view: Record<string, unknown>): Promise<{ viewId: string }>;
  /** Replaces an open modal, e.g. the "working out the plan" view once the plan is known. */
  updateView(viewId: string, view: Record<string, unknown>): Promise<void>;
}
