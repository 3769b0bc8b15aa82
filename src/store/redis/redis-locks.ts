import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import { AppError } from '../../errors';
import type { Lock, Locks } from '../../ports';

export interface RedisLocksOptions {
  /** Namespace for every key, e.g. "mogo:lock:"; tests use a random one. */
  prefix: string;
}

// delete only if the value is still ours: a lock that expired and was taken by someone else stays
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/** Locks as Redis keys (SET NX PX), valued `${owner}\n${token}` so holder() can say who has it. */
export function createRedisLocks(redis: Redis, opts: RedisLocksOptions): Locks {
  const keyOf = (key: string) => `${opts.prefix}${key}`;

  return {
    async acquire(key, owner, ttlMs) {
      const ttl = ttlOf(ttlMs);
      const value = `${owner}\n${randomUUID()}`;
      const ok = await call(() => redis.set(keyOf(key), value, 'PX', ttl, 'NX'));
      if (ok !== 'OK') return null;
      const lock: Lock = {
        key,
        async release() {
          await call(() => redis.eval(RELEASE, 1, keyOf(key), value));
        },
      };
      return lock;
    },

    async holder(key) {
      const value = await call(() => redis.get(keyOf(key)));
      return value === null ? null : value.slice(0, value.lastIndexOf('\n'));
    },
  };
}

function ttlOf(ttlMs: number): number {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new RangeError(`lock ttl must be positive, got ${ttlMs}`);
  return Math.ceil(ttlMs);
}

async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw new AppError('LOCK_UNAVAILABLE', `redis unavailable: ${(err as Error).message}`, { cause: err });
  }
}
