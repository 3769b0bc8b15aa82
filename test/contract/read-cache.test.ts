import { createMemoryReadCache } from '../../src/store/memory/memory-read-cache';
import { connectRedis } from '../../src/store/redis/connect';
import { createRedisReadCache } from '../../src/store/redis/redis-read-cache';
import { requireRedis, testRedis } from '../helpers/services';
import { readCacheContract } from './read-cache.contract';

readCacheContract('memory', async () => createMemoryReadCache());

const redis = testRedis();
(requireRedis() ? describe : describe.skip)('Redis', () => {
  afterAll(() => redis.cleanup());
  readCacheContract('Redis', async () =>
    createRedisReadCache(await redis.client(), { prefix: redis.prefix }),
  );

  test('a Redis that is gone is a miss, never an error', async () => {
    const client = await connectRedis(redis.url);
    const cache = createRedisReadCache(client, { prefix: redis.prefix });
    client.disconnect();
    await expect(cache.set('k', 'v', 1000)).resolves.toBeUndefined();
    await expect(cache.get('k')).resolves.toBeNull();
  });
});
