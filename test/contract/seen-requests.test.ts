import { createMemorySeenRequests } from '../../src/store/memory/memory-seen-requests';
import { connectRedis } from '../../src/store/redis/connect';
import { createRedisSeenRequests } from '../../src/store/redis/redis-seen-requests';
import { withLocalFallback } from '../../src/store/seen-requests-fallback';
import { requireRedis, testRedis } from '../helpers/services';
import { seenRequestsContract } from './seen-requests.contract';

seenRequestsContract('memory', async () => createMemorySeenRequests());
const quiet = { onDown: () => {}, onBack: () => {} };

const redis = testRedis();
(requireRedis() ? describe : describe.skip)('Redis', () => {
  afterAll(() => redis.cleanup());
  seenRequestsContract('Redis', async () =>
    createRedisSeenRequests(await redis.client(), { prefix: redis.prefix }),
  );
  // what production builds with REDIS_URL: Redis, with this replica's own memory while Redis is away
  seenRequestsContract('Redis with a local fallback', async () =>
    withLocalFallback(
      createRedisSeenRequests(await redis.client(), { prefix: redis.prefix }),
      createMemorySeenRequests(),
      quiet,
    ),
  );

  test('two replicas share what was seen; keys live under the prefix', async () => {
    const a = createRedisSeenRequests(await redis.client(), { prefix: redis.prefix });
    const other = await connectRedis(redis.url);
    try {
      const b = createRedisSeenRequests(other, { prefix: redis.prefix });
      expect(await a.firstSeen('sig-1', 10_000)).toBe(true);
      expect(await b.firstSeen('sig-1', 10_000)).toBe(false);
      expect(await other.pttl(`${redis.prefix}sig-1`)).toBeGreaterThan(9_000);
    } finally {
      other.disconnect();
    }
  });

  test('a Redis that is gone fails with LOCK_UNAVAILABLE (503), never "new"', async () => {
    const client = await connectRedis(redis.url);
    const seen = createRedisSeenRequests(client, { prefix: redis.prefix });
    client.disconnect();
    await expect(seen.firstSeen('k', 1_000)).rejects.toMatchObject({
      code: 'LOCK_UNAVAILABLE',
      httpStatus: 503,
    });
  });
});
