import type { RollbackState } from '../domain/rollback';
import type { AuditEntry } from './audit-log';

/** One rollback request, from the confirmed dialog to its end. */
export interface RollbackRecord {
  /** Made when the dialog opened; the idempotency key sent to backends. */
  id: string;
  groupId: string;
  /** A target name declared in rules/. */
  target: string;
  backend: string;
  environment: string;
  /** Slack user id of who confirmed the dialog. */
  requestedBy: string;
  /** Slack user id of the second person, when the target needs approval. */
  approvedBy: string | null;
  /** Slack user id of who cancelled a pending request. */
  cancelledBy: string | null;
  state: RollbackState;
  requestedAt: Date;
  updatedAt: Date;
  /** When a pending request expires; null when no approval is needed. */
  expiresAt: Date | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** Last sign of life of the process running it; a stale one means that process is gone. */
  heartbeatAt: Date | null;
  /** What the dialog showed ("Deployment shop/api: revision 42 -> 41"), null if the backend could not tell. */
  plan: string | null;
  /** One secret-free line: the backend's answer, or why it ended. */
  summary: string | null;
  details: Record<string, unknown>;
}

export interface NewRollback {
  id: string;
  groupId: string;
  target: string;
  backend: string;
  environment: string;
  requestedBy: string;
  /** pending when a second person must approve, approved otherwise. */
  state: 'pending' | 'approved';
  expiresAt: Date | null;
  plan: string | null;
}

export interface RollbackPatch {
  approvedBy?: string;
  cancelledBy?: string;
  summary?: string;
  details?: Record<string, unknown>;
}

export type CreateRollbackResult =
  | { created: true; record: RollbackRecord }
  /** The target already has an active request (possibly this very one, submitted twice). */
  | { created: false; active: RollbackRecord };

/**
 * Durable rollback requests. Every write commits together with its audit rows and a re-render of the alert
 * group's message (the message shows the group's latest request), so what Slack shows never runs ahead of what
 * is recorded. Transitions are conditional on the current state, so racing replicas and double clicks resolve
 * in the database: exactly one caller wins each step.
 */
export interface RollbackStore {
  /** Inserts the request unless its target already has an active one (then returns that one, creating nothing). */
  create(request: NewRollback, audit: AuditEntry[]): Promise<CreateRollbackResult>;
  /**
   * Moves the request to `to` if it is in one of `from` now, stamping the times that state implies; null (and
   * nothing written) when it was not, e.g. another replica got there first.
   */
  transition(
    id: string,
    from: readonly RollbackState[],
    to: RollbackState,
    patch: RollbackPatch,
    audit: AuditEntry[],
  ): Promise<RollbackRecord | null>;
  /** Marks a running request as still alive. */
  heartbeat(id: string): Promise<void>;
  get(id: string): Promise<RollbackRecord | null>;
  /** The request holding `target` (pending, approved or running), if any. */
  activeFor(target: string): Promise<RollbackRecord | null>;
  /** The newest request made from a group's message. */
  latestForGroup(groupId: string): Promise<RollbackRecord | null>;
  /** The newest requests, active ones first (`/incident rollback status`). */
  listRecent(limit: number): Promise<RollbackRecord[]>;
  /** Pending requests whose expiresAt has passed, oldest first. */
  listExpired(limit?: number): Promise<RollbackRecord[]>;
  /** Approved or running requests with no sign of life for `staleMs`: their process is gone. */
  listStale(staleMs: number, limit?: number): Promise<RollbackRecord[]>;
}
