import { randomUUID } from 'node:crypto';
import type { SeenRequests } from '../../src/ports/seen-requests';
import { sleep } from '../helpers/services';

/** SeenRequests: first sight wins once per window, atomically. Runs in-process and on real Redis. */
export function seenRequestsContract(name: string, make: () => Promise<SeenRequests>): void {
  describe(`SeenRequests contract (${name})`, () => {
    let seen: SeenRequests;
    const key = () => `slack:${randomUUID()}`;
    beforeAll(async () => {
      seen = await make();
    });

    test('a key is new once, then seen', async () => {
      const k = key();
      expect(await seen.firstSeen(k, 10_000)).toBe(true);
      expect(await seen.firstSeen(k, 10_000)).toBe(false);
      expect(await seen.firstSeen(key(), 10_000)).toBe(true);
    });

    test('of many concurrent calls with one key, exactly one is first', async () => {
      const k = key();
      const answers = await Promise.all(Array.from({ length: 20 }, () => seen.firstSeen(k, 10_000)));
      expect(answers.filter(Boolean)).toHaveLength(1);
    });

    test('a key is new again after its ttl', async () => {
      const k = key();
      expect(await seen.firstSeen(k, 50)).toBe(true);
      await sleep(80);
      expect(await seen.firstSeen(k, 50)).toBe(true);
    });
  });
}
