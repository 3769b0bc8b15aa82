import { randomUUID } from 'node:crypto';
import type { Clock, Lock, Locks } from '../../ports';

const SWEEP_ABOVE = 1_000;
const systemClock: Clock = { now: () => new Date() };

/** Locks for a single process (the zero-setup default): same semantics as RedisLocks, TTL included. */
export function createMemoryLocks(clock: Clock = systemClock): Locks {
  const held = new Map<string, { owner: string; token: string; expiresAt: number }>();

  const current = (key: string) => {
    const entry = held.get(key);
    if (entry && entry.expiresAt <= clock.now().getTime()) {
      held.delete(key);
      return undefined;
    }
    return entry;
  };

  const sweep = () => {
    const now = clock.now().getTime();
    for (const [key, entry] of held) if (entry.expiresAt <= now) held.delete(key);
  };

  return {
    async acquire(key, owner, ttlMs) {
      if (!Number.isFinite(ttlMs) || ttlMs <= 0)
        throw new RangeError(`lock ttl must be positive, got ${ttlMs}`);
      if (held.size > SWEEP_ABOVE) sweep();
      if (current(key)) return null;
      const token = randomUUID();
      held.set(key, { owner, token, expiresAt: clock.now().getTime() + Math.ceil(ttlMs) });
      const lock: Lock = {
        key,
        async release() {
          if (held.get(key)?.token === token) held.delete(key);
        },
      };
      return lock;
    },

    async holder(key) {
      return current(key)?.owner ?? null;
    },
  };
}
