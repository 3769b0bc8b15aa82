import { manualClock } from '../../test/fakes/clock';
import { createMemoryLeases } from '../../test/fakes/memory-leases';
import { createLogger } from '../logger';
import { createSilencePoller } from './silence-poll';

/** One holder per name, as the SQL adapter (both pass test/contract/leases.contract.ts); the ttl never runs out. */
const memoryLeases = () => createMemoryLeases(manualClock());

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
