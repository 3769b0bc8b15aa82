import type { Clock, Leases } from '../../src/ports';

/** Leases in memory: one holder per name until its ttl runs out on `clock` or it is released (leases contract). */
export function createMemoryLeases(clock: Clock): Leases {
  const held = new Map<string, { holder: string; until: number }>();
  return {
    async tryAcquire(name, holder, ttlMs) {
      const now = clock.now().getTime();
      const current = held.get(name);
      if (current && current.holder !== holder && current.until > now) return false;
      held.set(name, { holder, until: now + ttlMs });
      return true;
    },
    async release(name, holder) {
      if (held.get(name)?.holder === holder) held.delete(name);
    },
  };
}
