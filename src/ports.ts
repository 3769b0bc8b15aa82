/**
 * The small interfaces the core depends on. Each holds only what is used; each has one contract suite in
 * test/contract run against every adapter (embedded and real PostgreSQL / Redis, in-process and Redis).
 */
import type { AlertStatus } from './domain/alert';
import type { AlertGroup } from './domain/group';

export interface Clock {
  now(): Date;
}

// ---------------------------------------------------------------- audit

export interface AuditEntry {
  /** Who did it: "alertmanager", "mogo", or a Slack user id such as "U123ABC". */
  actor: string;
  /** noun.verb, e.g. "alert.received", "alert.acknowledged", "webhook.rejected". */
  action: string;
  /** What it was done to, e.g. "group:<id>", "webhook:alertmanager". */
  subject: string;
  details?: Record<string, unknown>;
}

export interface AuditRecord {
  id: string;
  occurredAt: Date;
  actor: string;
  action: string;
  subject: string;
  details: Record<string, unknown>;
}

export interface AuditQuery {
  action?: string;
  subject?: string;
  actor?: string;
  /** default 100, newest first */
  limit?: number;
}

/**
 * Append-only record of every action. append() returns at once and rows are written in batches (a short
 * interval or a full batch, whichever comes first); flush() waits until everything appended so far is
 * durable. The application never updates or deletes a row; the table refuses it too.
 */
export interface AuditLog {
  append(entry: AuditEntry): void;
  flush(): Promise<void>;
  list(query?: AuditQuery): Promise<AuditRecord[]>;
}

// ---------------------------------------------------------------- alert state

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

// ---------------------------------------------------------------- short-term state (Redis or in-process)

export interface Lock {
  readonly key: string;
  /** Releases only if still held by this owner (a lock that expired and was re-taken is left alone). */
  release(): Promise<void>;
}

/** Mutual exclusion across replicas, with a TTL so a crashed holder never blocks forever. */
export interface Locks {
  acquire(key: string, owner: string, ttlMs: number): Promise<Lock | null>;
  /** Who holds the lock now, or null. */
  holder(key: string): Promise<string | null>;
}

// ---------------------------------------------------------------- Slack

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

/**
 * Who belongs to a Slack user group. Rollback roles name user groups; access is decided on the members Slack
 * reports now (cached briefly), never on anything in the click's payload.
 */
export interface Directory {
  usergroupMembers(usergroupId: string): Promise<string[]>;
}

// ---------------------------------------------------------------- rollbacks

/**
 * pending: waiting for a second person (two-person rule); approved: cleared to run; running: the backend was
 * called; the rest are final. denied: cancelled or rejected while pending; expired: nobody approved in time;
 * interrupted: mogo stopped or crashed while the backend ran, so the outcome is unknown.
 */
export type RollbackState =
  | 'pending'
  | 'approved'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'denied'
  | 'expired'
  | 'interrupted';

/** The states that hold a target: at most one request per target is in one of them (the database enforces it). */
export const ACTIVE_ROLLBACK_STATES: readonly RollbackState[] = ['pending', 'approved', 'running'];

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
  /** Pending requests whose expiresAt has passed, oldest first. */
  listExpired(limit?: number): Promise<RollbackRecord[]>;
  /** Approved or running requests with no sign of life for `staleMs`: their process is gone. */
  listStale(staleMs: number, limit?: number): Promise<RollbackRecord[]>;
}

// ---------------------------------------------------------------- digest

/** One channel's share of a digest: what changed among its digest-only groups since its previous digest. */
export interface DigestCandidates {
  channel: string;
  /** The previous posted digest's period start for this channel, or the first-digest lookback. */
  since: Date;
  /** Most pressing first: firing before resolved, then priority, then the most recently changed. */
  groups: AlertGroup[];
  /** How many groups changed in all (groups holds at most the limit asked for). */
  total: number;
}

/**
 * The durable side of the digest of digest-only groups (routing.notify false, never posted on their own).
 * A digest is claimed per (channel, period) before it is posted, so replicas ticking together post it once.
 * Digest-only groups are those with routing.notify false and no Slack message of their own.
 */
export interface DigestStore {
  /**
   * Per channel, the digest-only groups changed in [since, periodStart), where since is the period start of the
   * channel's newest posted digest before periodStart, or periodStart - firstLookbackMs when there is none.
   * Channels with nothing changed are left out.
   */
  listCandidates(
    periodStart: Date,
    opts: { firstLookbackMs: number; limit: number },
  ): Promise<DigestCandidates[]>;
  /**
   * Atomically claims the right to post the digest of (channel, periodStart): true for exactly one caller.
   * A claim never completed (a crash between claim and post) can be taken again after `staleMs`.
   */
  claim(channel: string, periodStart: Date, staleMs: number): Promise<boolean>;
  /** Records the posted message; from now on this digest is the channel's "previous digest". */
  complete(channel: string, periodStart: Date, ref: MessageRef, groupCount: number): Promise<void>;
  /** Gives up an uncompleted claim (posting failed), so a retry or the next tick can try again. */
  release(channel: string, periodStart: Date): Promise<void>;
}
