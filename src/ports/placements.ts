import type { Priority } from '../domain/alert';
import type { AlertGroup } from '../domain/group';
import type { MessageRef } from './alert-store';

/** Where a group is shown in Slack: its own message, a line in its channel's roll-up, or being posted now. */
export type Placement =
  | { kind: 'message'; ref: MessageRef; renderedVersion: number }
  | { kind: 'rollup'; rollupId: string; closed: boolean }
  | { kind: 'claimed' }
  | null;

/** One channel's storm roll-up: a single message listing the lower-priority groups that arrived too fast. */
export interface Rollup {
  id: string;
  /** The routed channel (as the rules name it) whose storm this is. */
  channel: string;
  /** The message, once posted. */
  ref: MessageRef | null;
  version: number;
  renderedVersion: number;
  openedAt: Date;
  closedAt: Date | null;
  members: AlertGroup[];
}

/**
 * Which groups are shown where in Slack, written only by the render worker. Each group gets exactly one place
 * (its own message or one roll-up line) across replicas: the first post is claimed atomically before it is
 * made, and joining a roll-up turns that claim into the line.
 */
export interface Placements {
  get(groupId: string): Promise<Placement>;
  /**
   * Atomically claims the right to place a group that has no place yet (exactly once across replicas). A claim
   * that never got a message saved expires after `staleMs`, so a crash between claim and post heals.
   */
  claim(groupId: string, staleMs: number): Promise<boolean>;
  /** The group's own message is `ref`; a roll-up it was in (it escalated) is re-rendered without it. */
  saveMessage(groupId: string, ref: MessageRef, renderedVersion: number): Promise<void>;
  releaseClaim(groupId: string): Promise<void>;
  /** Whether `channel` has an open roll-up that a group joined within the last `quietMs`. */
  rollupActive(channel: string, quietMs: number): Promise<boolean>;
  /**
   * Turns the group's claim into a line of `channel`'s open roll-up (opening one if needed) and queues the
   * roll-up's render, in one transaction. Returns the roll-up's id.
   */
  joinRollup(groupId: string, channel: string, priority: Priority): Promise<string>;
  /** Re-renders a roll-up (one of its lines changed outside a group mutation). */
  touchRollup(id: string, priority: Priority): Promise<void>;
  getRollup(id: string): Promise<Rollup | null>;
  /** Records what the roll-up message shows; `close` (every line resolved) lets the next storm open a new one. */
  saveRollup(id: string, ref: MessageRef, renderedVersion: number, close: boolean): Promise<void>;
}
