import type { AlertGroup } from '../domain/group';
import type { MessageRef } from './alert-store';
import type { RollbackRecord } from './rollback-store';

/**
 * What happened to a rollback request, as the use cases see it. The surface (Slack today) decides the words;
 * the use cases only decide that it happened and in which order.
 */
export type RollbackEvent =
  | { kind: 'rollback.pending'; record: RollbackRecord }
  | { kind: 'rollback.started'; record: RollbackRecord }
  /** One line of the backend's progress, repeated lines already dropped. */
  | { kind: 'rollback.progress'; record: RollbackRecord; line: string }
  /** Progress lines from here on are not told (the thread would drown); the result still is. */
  | { kind: 'rollback.progress_cut'; record: RollbackRecord }
  | { kind: 'rollback.succeeded'; record: RollbackRecord; summary: string; seconds: number }
  | { kind: 'rollback.failed'; record: RollbackRecord; summary: string }
  | { kind: 'rollback.expired'; record: RollbackRecord }
  | { kind: 'rollback.cancelled'; record: RollbackRecord; by: string }
  | { kind: 'rollback.interrupted'; record: RollbackRecord; cause: 'shutdown' | 'lost' };

export type IncidentEvent = RollbackEvent;

/**
 * How the use cases tell the people around an alert group what happened, without speaking Slack (a second
 * surface, the CLI or another chat, implements this). Events about one group arrive in the order they
 * happened. May throw: callers treat telling as best effort, since the group's message shows the state anyway.
 */
export interface Notifier {
  notify(event: IncidentEvent): Promise<void>;
}

/** One channel's digest, ready to publish: the changes listed happened in [since, until). */
export interface Digest {
  channel: string;
  since: Date;
  until: Date;
  /** The groups to list, in display order (the store ranks them). */
  groups: AlertGroup[];
  /** How many groups changed in all; more than groups.length is summed up, not listed. */
  total: number;
}

/** Where digests go. The surface renders them; the use case claims, records and audits. */
export interface DigestPublisher {
  /** The most groups one digest lists by name: a limit of the surface (Slack's 50 blocks a message). */
  readonly maxGroups: number;
  publish(digest: Digest): Promise<MessageRef>;
}
