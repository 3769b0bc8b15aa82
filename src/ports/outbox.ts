import type { Priority } from '../domain/alert';

/**
 * What to render: one group's own message, or one channel's storm roll-up. Coalesced per target: re-queueing
 * replaces the pending request, so only the newest state is ever sent.
 */
export type RenderTarget = { kind: 'group'; id: string } | { kind: 'rollup'; id: string };

export interface RenderJob {
  target: RenderTarget;
  /** Bumped on every enqueue; completing an older seq leaves the newer request in place. */
  seq: number;
  /** Failed tries so far, this one included; a postponed try (budget, Slack's Retry-After) does not count. */
  attempts: number;
  priority: Priority;
  /** Nothing of it is in Slack yet. */
  firstPost: boolean;
}

/**
 * The render queue: an outbox in the same database as the state it renders. Work is handed out most pressing
 * first (P1 before P2 … before P4, then first posts before updates, then oldest), never first-in first-out,
 * and a job is leased to one worker at a time: re-queueing a job that is being worked on makes it due when
 * that worker is done, so two replicas never render one message at once and no lock service is needed.
 */
export interface Outbox {
  /** Leases the most pressing due job for `leaseMs`; a worker that dies loses the lease and the job runs again. */
  take(leaseMs: number): Promise<RenderJob | null>;
  /** Removes the job unless it was re-queued (seq changed) meanwhile; then the newer request is due at once. */
  complete(job: RenderJob): Promise<void>;
  /** A failed try: due again after `delayMs` (its attempt stays counted). */
  retry(job: RenderJob, delayMs: number): Promise<void>;
  /** Not a failure (Slack's budget said wait): due again after `delayMs`, and the attempt is given back. */
  postpone(job: RenderJob, delayMs: number): Promise<void>;
  /** Groups queued for a first post to `channel` below P1: the storm gauge that decides the roll-up. */
  firstPostBacklog(channel: string): Promise<number>;
}
