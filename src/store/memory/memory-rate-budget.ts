import { type BucketState, pauseBucket, takeToken } from '../../domain/token-bucket';
import type { Clock } from '../../ports';
import type { RateBudget } from '../../ports/rate-budget';

const systemClock: Clock = { now: () => new Date() };

/** RateBudget for a single process (the zero-setup default): the same buckets as RedisRateBudget. */
export function createMemoryRateBudget(clock: Clock = systemClock): RateBudget {
  const buckets = new Map<string, BucketState>();
  return {
    async take(key, limit, reserve = 0) {
      const { waitMs, state } = takeToken(buckets.get(key), clock.now().getTime(), limit, reserve);
      buckets.set(key, state);
      return waitMs;
    },
    async pause(key, ms) {
      buckets.set(key, pauseBucket(clock.now().getTime(), ms));
    },
  };
}
