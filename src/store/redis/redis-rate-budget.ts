import type Redis from 'ioredis';
import { AppError } from '../../errors';
import type { RateBudget } from '../../ports/rate-budget';

export interface RedisRateBudgetOptions {
  /** Namespace for every key, e.g. "mogo:budget:"; tests use a random one. */
  prefix: string;
}

// takeToken() of domain/token-bucket.ts in Lua, on Redis's clock so replicas with skewed clocks agree.
// KEYS[1] bucket; ARGV: perSecond, burst, reserve. Returns ms to wait (0: taken).
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local perMs = tonumber(ARGV[1]) / 1000
local burst = tonumber(ARGV[2])
local need = math.min(tonumber(ARGV[3]), math.max(burst - 1, 0)) + 1
local s = redis.call('HMGET', KEYS[1], 'tokens', 'at', 'paused')
local tokens = tonumber(s[1]) or burst
local at = tonumber(s[2]) or now
local paused = tonumber(s[3]) or 0
if now < paused then return paused - now end
tokens = math.min(burst, tokens + math.max(0, now - at) * perMs)
local wait = 0
if paused > 0 or tokens >= need then tokens = math.max(0, tokens - 1) else wait = math.ceil((need - tokens) / perMs) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', now, 'paused', 0)
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / perMs) + 60000)
return wait
`;

// KEYS[1] bucket; ARGV[1] pause ms.
const PAUSE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local untilMs = now + math.ceil(tonumber(ARGV[1]))
redis.call('HSET', KEYS[1], 'tokens', 0, 'at', untilMs, 'paused', untilMs)
redis.call('PEXPIRE', KEYS[1], math.ceil(tonumber(ARGV[1])) + 60000)
return 0
`;

/** RateBudget as Redis hashes updated by one script each, so replicas share every bucket atomically. */
export function createRedisRateBudget(redis: Redis, opts: RedisRateBudgetOptions): RateBudget {
  const keyOf = (key: string) => `${opts.prefix}${key}`;
  return {
    async take(key, limit, reserve = 0) {
      const wait = await call(() =>
        redis.eval(TAKE, 1, keyOf(key), String(limit.perSecond), String(limit.burst), String(reserve)),
      );
      return Number(wait);
    },
    async pause(key, ms) {
      await call(() => redis.eval(PAUSE, 1, keyOf(key), String(Math.max(0, ms))));
    },
  };
}

async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw new AppError('LOCK_UNAVAILABLE', `redis unavailable: ${(err as Error).message}`, { cause: err });
  }
}
