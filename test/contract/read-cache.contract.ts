import { randomUUID } from 'node:crypto';
import type { ReadCache } from '../../src/ports';
import { sleep } from '../helpers/services';

/** ReadCache: what one writes, a reader gets until its ttl or a delete. In-process and on real Redis. */
export function readCacheContract(name: string, make: () => Promise<ReadCache>): void {
  describe(`ReadCache contract (${name})`, () => {
    let cache: ReadCache;
    const key = () => `k:${randomUUID()}`;
    beforeAll(async () => {
      cache = await make();
    });

    test('a miss is null; a set value is read back; delete removes it', async () => {
      const k = key();
      expect(await cache.get(k)).toBeNull();
      await cache.set(k, '{"a":1}', 10_000);
      expect(await cache.get(k)).toBe('{"a":1}');
      await cache.set(k, '{"a":2}', 10_000);
      expect(await cache.get(k)).toBe('{"a":2}');
      await cache.delete(k);
      expect(await cache.get(k)).toBeNull();
    });

    test('a value is gone after its ttl', async () => {
      const k = key();
      await cache.set(k, 'v', 50);
      await sleep(80);
      expect(await cache.get(k)).toBeNull();
    });
  });
}
