import Redis from 'ioredis';
import { AppError } from '../../errors';

export interface ConnectRedisOptions {
  /** Connection errors while (re)connecting; ioredis keeps reconnecting in the background. */
  onError?: (err: Error) => void;
  /** Per-command deadline (default 2 s): a stuck server fails the request instead of hanging it. */
  commandTimeoutMs?: number;
}

/**
 * An ioredis client that fails fast: no offline queue and one retry per command, so while Redis is down a
 * request gets LOCK_UNAVAILABLE (503, Alertmanager retries) at once instead of waiting for a reconnect.
 * Resolves once connected; rejects with LOCK_UNAVAILABLE if the first connection fails.
 */
export async function connectRedis(url: string, opts: ConnectRedisOptions = {}): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 5_000,
    commandTimeout: opts.commandTimeoutMs ?? 2_000,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
  redis.on('error', (err: Error) => opts.onError?.(err));
  try {
    await redis.connect();
  } catch (err) {
    redis.disconnect();
    throw new AppError('LOCK_UNAVAILABLE', `cannot connect to Redis: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return redis;
}
