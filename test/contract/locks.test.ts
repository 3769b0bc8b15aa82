import { createMemoryLocks } from '../../src/store/memory/memory-locks';
import { connectRedis } from '../../src/store/redis/connect';
import { createRedisLocks } from '../../src/store/redis/redis-locks';
import { requireRedis, testRedis } from '../helpers/services';
import { manualClock } from './alert-store.fixtures';
import { locksContract } from './locks.contract';

locksContract('memory', async () => createMemoryLocks());

describe('memory locks with an injected clock', () => {
  test('expiry follows the clock', async () => {
    const clock = manualClock();
    const locks = createMemoryLocks(clock);
    await locks.acquire('k', 'a', 1_000);
    clock.advance(999);
    expect(await locks.holder('k')).toBe('a');
    clock.advance(1);
    expect(await locks.holder('k')).toBeNull();
  });
});

const redis = testRedis();
(requireRedis() ? describe : describe.skip)('Redis', () => {
  afterAll(() => redis.cleanup());
  locksContract('Redis', async () => createRedisLocks(await redis.client(), { prefix: redis.prefix }));

  test('keys live under the prefix, valued owner + token', async () => {
    const locks = createRedisLocks(await redis.client(), { prefix: redis.prefix });
    const lock = await locks.acquire('deploy', 'replica-a', 10_000);
    const value = await (await redis.client()).get(`${redis.prefix}deploy`);
    expect(value).toMatch(/^replica-a\n[0-9a-f-]{36}$/);
    await lock!.release();
    expect(await (await redis.client()).exists(`${redis.prefix}deploy`)).toBe(0);
  });

  test('a Redis that is down fails fast with LOCK_UNAVAILABLE', async () => {
    await expect(connectRedis('redis://127.0.0.1:1')).rejects.toMatchObject({ code: 'LOCK_UNAVAILABLE' });

    const client = await connectRedis(redis.url);
    const locks = createRedisLocks(client, { prefix: redis.prefix });
    client.disconnect();
    const started = Date.now();
    await expect(locks.acquire('k', 'a', 1_000)).rejects.toMatchObject({ code: 'LOCK_UNAVAILABLE' });
    await expect(locks.holder('k')).rejects.toMatchObject({ code: 'LOCK_UNAVAILABLE', httpStatus: 503 });
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
