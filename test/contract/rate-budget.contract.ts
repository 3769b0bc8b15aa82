import { randomUUID } from 'node:crypto';
import type { RateBudget } from '../../src/ports/rate-budget';
import { sleep } from '../helpers/services';

/** Clock granularity between this process and the bucket's clock (Redis's own TIME). */
const SLACK_MS = 10;

/** RateBudget: a token bucket per key with a reserve and a pause. Runs in-process and on real Redis. */
export function rateBudgetContract(name: string, makeBudget: () => Promise<RateBudget>): void {
  describe(`RateBudget contract (${name})`, () => {
    let budget: RateBudget;
    const key = () => `chat.postMessage:${randomUUID()}`;

    beforeAll(async () => {
      budget = await makeBudget();
    });

    test('a full bucket lets `burst` calls through at once, then says how long to wait', async () => {
      const k = key();
      const limit = { perSecond: 1, burst: 3 };
      const started = Date.now();
      expect([await budget.take(k, limit), await budget.take(k, limit), await budget.take(k, limit)]).toEqual(
        [0, 0, 0],
      );
      const wait = await budget.take(k, limit);
      // a second's token, less what has refilled meanwhile (a loaded machine takes its time between calls)
      expect(wait).toBeGreaterThan(1000 - (Date.now() - started) - SLACK_MS);
      expect(wait).toBeLessThanOrEqual(1000);
    });

    test('tokens come back at the refill rate', async () => {
      const k = key();
      const limit = { perSecond: 4, burst: 1 };
      const started = Date.now();
      expect(await budget.take(k, limit)).toBe(0);
      const wait = await budget.take(k, limit);
      expect(wait).toBeGreaterThan(250 - (Date.now() - started) - SLACK_MS);
      expect(wait).toBeLessThanOrEqual(250);
      await sleep(wait + 15);
      expect(await budget.take(k, limit)).toBe(0);
    });

    test('routine callers leave the reserve to urgent ones', async () => {
      const k = key();
      const limit = { perSecond: 1, burst: 2 };
      expect(await budget.take(k, limit, 1)).toBe(0);
      expect(await budget.take(k, limit, 1)).toBeGreaterThan(0);
      expect(await budget.take(k, limit, 0)).toBe(0);
      expect(await budget.take(k, limit, 0)).toBeGreaterThan(0);
    });

    test('a reserve as large as the burst still lets one call through a full bucket', async () => {
      const k = key();
      expect(await budget.take(k, { perSecond: 1, burst: 1 }, 5)).toBe(0);
    });

    test('a pause shuts the bucket for its length; then one call, even a routine one, and a refill from empty', async () => {
      const k = key();
      const limit = { perSecond: 2, burst: 5 };
      const started = Date.now();
      await budget.pause(k, 300);
      const wait = await budget.take(k, limit, 2);
      expect(wait).toBeGreaterThan(300 - (Date.now() - started) - SLACK_MS);
      expect(wait).toBeLessThanOrEqual(300);
      await sleep(wait + 10);
      expect(await budget.take(k, limit, 2)).toBe(0);
      // the bucket did not come back full: the next call waits for a refill
      expect(await budget.take(k, limit)).toBeGreaterThan(0);
    });

    test('buckets are independent', async () => {
      const [a, b] = [key(), key()];
      const limit = { perSecond: 1, burst: 1 };
      expect(await budget.take(a, limit)).toBe(0);
      expect(await budget.take(a, limit)).toBeGreaterThan(0);
      expect(await budget.take(b, limit)).toBe(0);
      await budget.pause(b, 5_000);
      expect(await budget.take(b, limit)).toBeGreaterThan(4_000);
      expect(await budget.take(key(), limit)).toBe(0);
    });
  });
}
