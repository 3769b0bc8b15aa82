import { createLogger } from '../logger';
import type { Leases } from '../ports';
import { createSilencePoller } from './silence-poll';

/** One holder per name, like the PostgreSQL adapter (its own contract suite covers the SQL). */
function memoryLeases(): Leases {
  const held = new Map<string, string>();
  return {
    async tryAcquire(name, holder) {
      const now = held.get(name);
      if (now !== undefined && now !== holder) return false;
      held.set(name, holder);
      return true;
    },
    async release(name, holder) {
      if (held.get(name) === holder) held.delete(name);
    },
  };
}

describe('silence poller', () => {
  const logger = createLogger('silent');
  const result = { checked: 1, ended: 1, resolved: 0 };

  it('checks on one replica at a time, and hands over when that one stops', async () => {
    const leases = memoryLeases();
    const checks: string[] = [];
    const changed: string[] = [];
    const poller = (name: string) =>
      createSilencePoller({
        leases,
        countActive: async () => 1,
        check: async () => {
          checks.push(name);
          return result;
        },
        intervalMs: 60_000,
        logger,
        holder: name,
        onChanged: () => changed.push(name),
      });
    const a = poller('a');
    const b = poller('b');
    expect(await a.runNow()).toEqual(result);
    expect(await b.runNow()).toBe(false);
    expect(checks).toEqual(['a']);
    expect(changed).toEqual(['a']);
    await a.stop();
    expect(await b.runNow()).toEqual(result);
    expect(checks).toEqual(['a', 'b']);
    await b.stop();
  });

  it('asks nothing of Alertmanager (nor takes the lease) while no silence is active', async () => {
    let checked = 0;
    let leased = 0;
    const p = createSilencePoller({
      leases: { tryAcquire: async () => ++leased > 0, release: async () => {} },
      countActive: async () => 0,
      check: async () => {
        checked++;
        return result;
      },
      intervalMs: 60_000,
      logger,
      onChanged: () => {},
    });
    expect(await p.runNow()).toEqual({ checked: 0, ended: 0, resolved: 0 });
    expect([checked, leased]).toEqual([0, 0]);
  });
});
