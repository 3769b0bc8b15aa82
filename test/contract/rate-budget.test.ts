import { randomUUID } from 'node:crypto';
import { createMemoryRateBudget } from '../../src/store/memory/memory-rate-budget';
import { connectRedis } from '../../src/store/redis/connect';
import { createRedisRateBudget } from '../../src/store/redis/redis-rate-budget';
import { manualClock } from '../fakes/clock';
import { requireRedis, testRedis } from '../helpers/services';
import { rateBudgetContract } from './rate-budget.contract';

rateBudgetContract('memory', async () => createMemoryRateBudget());

describe('memory rate budget with an injected clock', () => {
  test('refill follows the clock', async () => {
    const clock = manualClock();
    const budget = createMemoryRateBudget(clock);
    const limit = { perSecond: 1, burst: 1 };
    expect(await budget.take('k', limit)).toBe(0);
    expect(await budget.take('k', limit)).toBe(1000);
    clock.advance(400);
    expect(await budget.take('k', limit)).toBe(600);
    clock.advance(600);
    expect(await budget.take('k', limit)).toBe(0);
  });
});

const redis = testRedis();
(requireRedis() ? describe : describe.skip)('Redis', () => {
  afterAll(() => redis.cleanup());
  rateBudgetContract('Redis', async () =>
    createRedisRateBudget(await redis.client(), { prefix: redis.prefix }),
  );

  test('two connections (two replicas) draw on one bucket', async () => {
    const other = await connectRedis(redis.url);
    try {
      const a = createRedisRateBudget(await redis.client(), { prefix: redis.prefix });
      const b = createRedisRateBudget(other, { prefix: redis.prefix });
      const k = `chat.update:${randomUUID()}`;
      const limit = { perSecond: 1, burst: 2 };
      expect(await a.take(k, limit)).toBe(0);
      expect(await b.take(k, limit)).toBe(0);
      expect(await a.take(k, limit)).toBeGreaterThan(0);
      expect(await b.take(k, limit)).toBeGreaterThan(0);
      await b.pause(k, 3_000);
      expect(await a.take(k, limit)).toBeGreaterThan(2_000);
    } finally {
      other.disconnect();
    }
  });

  test('a Redis that is down fails fast with LOCK_UNAVAILABLE', async () => {
    const client = await connectRedis(redis.url);
    const budget = createRedisRateBudget(client, { prefix: redis.prefix });
    client.disconnect();
    await expect(budget.take('k', { perSecond: 1, burst: 1 })).rejects.toMatchObject({
      code: 'LOCK_UNAVAILABLE',
    });
  });
});
