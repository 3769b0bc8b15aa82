/** How fast a budget refills and how much it may bank: `perSecond` tokens a second, at most `burst`. */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

/** One bucket's stored state: tokens as of `at` (ms), and a pause (Retry-After) until `pausedUntil` (ms). */
export interface BucketState {
  tokens: number;
  at: number;
  pausedUntil: number;
}

export interface TakeResult {
  /** 0: a token was taken; else ms until one could be. */
  waitMs: number;
  state: BucketState;
}

/**
 * Token bucket with a reserve: a call is let through only when at least `reserve + 1` tokens are banked, so
 * urgent callers (reserve 0) always find the last tokens that routine callers (reserve > 0) must leave. A
 * paused bucket (Slack answered 429 with Retry-After) lets nothing through until the pause ends; then the
 * first call goes through, whatever its reserve (Slack said "after this long"), and the bucket refills from
 * empty. The Redis adapter runs the same arithmetic in Lua; keep the two in step.
 */
export function takeToken(
  prev: BucketState | undefined,
  now: number,
  limit: RateLimit,
  reserve = 0,
): TakeResult {
  const need = Math.min(reserve, Math.max(limit.burst - 1, 0)) + 1;
  const state = prev ?? { tokens: limit.burst, at: now, pausedUntil: 0 };
  if (now < state.pausedUntil) return { waitMs: state.pausedUntil - now, state };
  const perMs = limit.perSecond / 1000;
  const tokens = Math.min(limit.burst, state.tokens + Math.max(0, now - state.at) * perMs);
  if (state.pausedUntil > 0)
    return { waitMs: 0, state: { tokens: Math.max(0, tokens - 1), at: now, pausedUntil: 0 } };
  if (tokens >= need) return { waitMs: 0, state: { tokens: tokens - 1, at: now, pausedUntil: 0 } };
  return { waitMs: Math.ceil((need - tokens) / perMs), state: { tokens, at: now, pausedUntil: 0 } };
}

/** The bucket after a 429: empty, and closed for `ms`. */
export function pauseBucket(now: number, ms: number): BucketState {
  const until = now + Math.max(0, Math.ceil(ms));
  return { tokens: 0, at: until, pausedUntil: until };
}
