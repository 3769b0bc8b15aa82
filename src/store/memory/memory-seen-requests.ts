import type { Clock } from '../../ports';
import type { SeenRequests } from '../../ports/seen-requests';

const SWEEP_ABOVE = 10_000;
const systemClock: Clock = { now: () => new Date() };

/** Seen requests for a single replica (the zero-setup default): same semantics as RedisSeenRequests. */
export function createMemorySeenRequests(clock: Clock = systemClock): SeenRequests {
  const seen = new Map<string, number>();
  return {
    async firstSeen(key, ttlMs) {
      const now = clock.now().getTime();
      if (seen.size > SWEEP_ABOVE) for (const [k, until] of seen) if (until <= now) seen.delete(k);
      const until = seen.get(key);
      if (until !== undefined && until > now) return false;
      seen.set(key, now + ttlMs);
      return true;
    },
  };
}
