import type { AlertStatus } from '../domain/alert';
import type { AlertGroup } from '../domain/group';
import type { AuditEntry } from './audit-log';

export interface MessageRef {
  channel: string;
  ts: string;
}

export interface StoredMessage extends MessageRef {
  /** The group version this message shows. */
  renderedVersion: number;
}

/** What a decision about a group wants persisted: the new state and the audit rows that explain it. */
export interface GroupChange {
  next: AlertGroup;
  audit: AuditEntry[];
}

/** A request to (re)render one group's Slack message. Coalesced per group: only the newest state matters. */
export interface RenderJob {
  groupId: string;
  /** Bumped on every enqueue; completing an older seq leaves the newer request in place. */
  seq: number;
  attempts: number;
}

/**
 * Durable alert-group state, the group -> Slack message map and the render queue (an outbox in the same
 * database, so "recorded" and "will be posted" commit together and nothing is lost on a crash).
 */
export interface AlertStore {
  /**
   * Runs `decide` on the group's current state under a row lock inside one transaction. A non-null result is
   * saved with version+1, its audit rows are written in the same transaction and a render job is queued.
   * null changes nothing. Concurrent calls for the same group (two replicas, an HA pair) run one after the other.
   */
  mutateGroup(
    groupKey: string,
    decide: (current: AlertGroup | null) => GroupChange | null,
  ): Promise<{ group: AlertGroup; changed: boolean } | null>;
  getGroup(groupId: string): Promise<AlertGroup | null>;
  listGroups(query?: { status?: AlertStatus; limit?: number }): Promise<AlertGroup[]>;

  getMessage(groupId: string): Promise<StoredMessage | null>;
  /**
   * Atomically claims the right to post the first message for a group (exactly-once posting across replicas).
   * A claim that never got a message saved expires after `staleMs`, so a crash between claim and post heals.
   */
  claimMessage(groupId: string, staleMs: number): Promise<boolean>;
  saveMessage(groupId: string, ref: MessageRef, renderedVersion: number): Promise<void>;
  releaseClaim(groupId: string): Promise<void>;
  findGroupIdByMessage(ref: MessageRef): Promise<string | null>;

  /** Leases the oldest due job for `leaseMs`; a worker that dies loses the lease and the job runs again. */
  takeRenderJob(leaseMs: number): Promise<RenderJob | null>;
  /** Removes the job unless it was re-queued (seq changed) meanwhile. */
  completeRenderJob(job: RenderJob): Promise<void>;
  /** Makes the job due again after `delayMs` (attempts already counted by takeRenderJob). */
  retryRenderJob(job: RenderJob, delayMs: number): Promise<void>;
}
