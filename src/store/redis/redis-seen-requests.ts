import type Redis from 'ioredis';
import { AppError } from '../../errors';
import type { SeenRequests } from '../../ports/seen-requests';

/** Seen requests shared by every replica: one `SET key 1 NX PX ttl` per request. */
export function createRedisSeenRequests(redis: Redis, opts: { prefix: string }): SeenRequests {
  return {
    async firstSeen(key, ttlMs) {
      try {
        return (await redis.set(`${opts.prefix}${key}`, '1', 'PX', ttlMs, 'NX')) === 'OK';
      } catch (err) {
        throw new AppError('LOCK_UNAVAILABLE', `Redis refused the replay check: ${(err as Error).message}`, {
          cause: err,
        });
      }
    },
  };
}
