import type { Clock, ReadCache } from '../../ports';

const SWEEP_ABOVE = 1_000;
const systemClock: Clock = { now: () => new Date() };

/** The read cache of a single replica (the zero-setup default): same semantics as RedisReadCache. */
export function createMemoryReadCache(clock: Clock = systemClock): ReadCache {
  const entries = new Map<string, { value: string; until: number }>();
  return {
    async get(key) {
      const e = entries.get(key);
      if (!e) return null;
      if (e.until > clock.now().getTime()) return e.value;
      entries.delete(key);
      return null;
    },
    async set(key, value, ttlMs) {
      const now = clock.now().getTime();
      if (entries.size > SWEEP_ABOVE) for (const [k, e] of entries) if (e.until <= now) entries.delete(k);
      entries.set(key, { value, until: now + ttlMs });
    },
    async delete(key) {
      entries.delete(key);
    },
  };
}
