import type { Clock, Leases } from '../../src/ports';
import { manualClock } from '../fakes/clock';

/** Leases: one holder per name until the lease runs out or is released; the holder renews its own. */
export function leasesContract(name: string, make: (clock: Clock) => Promise<Leases>): void {
  describe(`Leases contract (${name})`, () => {
    const clock = manualClock(new Date('2026-05-01T09:00:00.000Z'));
    let leases: Leases;
    let n = 0;

    beforeAll(async () => {
      leases = await make(clock);
    });

    test('a lease has one holder until it runs out or is released', async () => {
      const lease = `lease-${name}-${++n}`;
      const taken = await Promise.all(['r1', 'r2', 'r3'].map((h) => leases.tryAcquire(lease, h, 10_000)));
      expect(taken.filter(Boolean)).toHaveLength(1);
      const holder = ['r1', 'r2', 'r3'][taken.indexOf(true)]!;
      const other = holder === 'r1' ? 'r2' : 'r1';
      expect(await leases.tryAcquire(lease, holder, 10_000)).toBe(true); // renewed
      expect(await leases.tryAcquire(lease, other, 10_000)).toBe(false);
      clock.advance(10_001);
      expect(await leases.tryAcquire(lease, other, 10_000)).toBe(true); // ran out
      await leases.release(lease, other);
      expect(await leases.tryAcquire(lease, holder, 10_000)).toBe(true);
    });

    test('release by someone else is no release; names are independent', async () => {
      const a = `lease-${name}-${++n}`;
      const b = `lease-${name}-${++n}`;
      expect(await leases.tryAcquire(a, 'r1', 10_000)).toBe(true);
      await leases.release(a, 'r2');
      expect(await leases.tryAcquire(a, 'r2', 10_000)).toBe(false);
      expect(await leases.tryAcquire(b, 'r2', 10_000)).toBe(true);
    });
  });
}
