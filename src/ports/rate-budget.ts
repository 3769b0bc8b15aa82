import type { RateLimit } from '../domain/token-bucket';

export type { RateLimit } from '../domain/token-bucket';

/**
 * Call budgets shared by every replica (Slack limits an app per workspace, not per process): one token bucket
 * per key, in Redis when configured, in-process otherwise. Asking never waits: the caller gets 0 (the call may
 * go now, its token is taken) or how long to come back after, so a queue can hand the slot to more pressing
 * work meanwhile instead of sleeping on it.
 */
export interface RateBudget {
  /**
   * Takes a token from bucket `key` when more than `reserve` are banked; returns 0 if taken, else the ms until
   * one could be. `reserve` keeps the last tokens for urgent calls (which pass 0).
   */
  take(key: string, limit: RateLimit, reserve?: number): Promise<number>;
  /** Empties bucket `key` and shuts it for `ms` (the platform said Retry-After). */
  pause(key: string, ms: number): Promise<void>;
}
