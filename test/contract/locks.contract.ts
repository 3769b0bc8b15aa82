import { randomUUID } from 'node:crypto';
import type { Locks } from '../../src/ports';
import { sleep } from '../helpers/services';

/** Locks: exclusive, TTL-bounded, released only by the holder. Runs in-process and on real Redis. */
export function locksContract(name: string, makeLocks: () => Promise<Locks>): void {
  describe(`Locks contract (${name})`, () => {
    let locks: Locks;
    const key = () => `rollback:${randomUUID()}`;

    beforeAll(async () => {
      locks = await makeLocks();
    });

    test('a held lock cannot be taken, not even by the same owner', async () => {
      const k = key();
      const lock = await locks.acquire(k, 'replica-a', 10_000);
      expect(lock?.key).toBe(k);
      expect(await locks.acquire(k, 'replica-b', 10_000)).toBeNull();
      expect(await locks.acquire(k, 'replica-a', 10_000)).toBeNull();
      await lock!.release();
    });

    test('holder() names the owner, or null when free', async () => {
      const k = key();
      expect(await locks.holder(k)).toBeNull();
      const lock = await locks.acquire(k, 'U123ABC', 10_000);
      expect(await locks.holder(k)).toBe('U123ABC');
      await lock!.release();
      expect(await locks.holder(k)).toBeNull();
    });

    test('release frees the lock for the next owner', async () => {
      const k = key();
      const first = await locks.acquire(k, 'a', 10_000);
      await first!.release();
      const second = await locks.acquire(k, 'b', 10_000);
      expect(second).not.toBeNull();
      expect(await locks.holder(k)).toBe('b');
      await second!.release();
    });

    test('a lock expires after its TTL', async () => {
      const k = key();
      await locks.acquire(k, 'crashed', 100);
      expect(await locks.acquire(k, 'b', 10_000)).toBeNull();
      await sleep(250);
      expect(await locks.holder(k)).toBeNull();
      const next = await locks.acquire(k, 'b', 10_000);
      expect(next).not.toBeNull();
      await next!.release();
    });

    test('releasing an expired lock leaves the new holder alone', async () => {
      const k = key();
      const stale = await locks.acquire(k, 'slow', 100);
      await sleep(250);
      const fresh = await locks.acquire(k, 'fast', 10_000);
      await stale!.release();
      expect(await locks.holder(k)).toBe('fast');
      expect(await locks.acquire(k, 'other', 10_000)).toBeNull();
      await fresh!.release();
    });

    test('release twice is harmless', async () => {
      const k = key();
      const lock = await locks.acquire(k, 'a', 10_000);
      await lock!.release();
      const next = await locks.acquire(k, 'b', 10_000);
      await lock!.release();
      expect(await locks.holder(k)).toBe('b');
      await next!.release();
    });

    test('exactly one of 10 concurrent acquirers wins', async () => {
      const k = key();
      const got = await Promise.all(Array.from({ length: 10 }, (_, i) => locks.acquire(k, `r${i}`, 10_000)));
      const winners = got.filter((l) => l !== null);
      expect(winners).toHaveLength(1);
      expect(await locks.holder(k)).toBe(`r${got.indexOf(winners[0]!)}`);
      await winners[0]!.release();
    });

    test('different keys are independent', async () => {
      const [k1, k2] = [key(), key()];
      const a = await locks.acquire(k1, 'a', 10_000);
      const b = await locks.acquire(k2, 'b', 10_000);
      expect([a, b].every((l) => l !== null)).toBe(true);
      await Promise.all([a!.release(), b!.release()]);
    });

    test('owners containing a newline round-trip through holder()', async () => {
      const k = key();
      const lock = await locks.acquire(k, 'multi\nline', 10_000);
      expect(await locks.holder(k)).toBe('multi\nline');
      await lock!.release();
    });

    test('a non-positive TTL is refused', async () => {
      await expect(locks.acquire(key(), 'a', 0)).rejects.toThrow(RangeError);
      await expect(locks.acquire(key(), 'a', Number.NaN)).rejects.toThrow(RangeError);
    });
  });
}
