import type Redis from 'ioredis';
import type { Logger } from '../../logger';
import type { ReadCache } from '../../ports';

/**
 * The read cache shared by every replica: `SET key value PX ttl`. A Redis that is down is a miss (the caller
 * reads the database), logged at most once a minute, never an error.
 */
export function createRedisReadCache(redis: Redis, opts: { prefix: string; logger?: Logger }): ReadCache {
  let warnedAt = 0;
  const miss = (err: unknown) => {
    if (Date.now() - warnedAt > 60_000) {
      warnedAt = Date.now();
      opts.logger?.warn({ err }, 'read cache: Redis unavailable, reading the database');
    }
    return null;
  };
  const key = (k: string) => `${opts.prefix}${k}`;
  return {
    get: (k) => redis.get(key(k)).catch(miss),
    async set(k, value, ttlMs) {
      await redis.set(key(k), value, 'PX', Math.max(1, Math.round(ttlMs))).catch(miss);
    },
    async delete(k) {
      await redis.del(key(k)).catch(miss);
    },
  };
}
