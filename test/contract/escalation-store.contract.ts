import type { EscalationStore } from '../../src/ports';

const T0 = new Date('2026-05-01T09:00:00.000Z');

/** EscalationStore: one claim per (group, step) under concurrency; a released step can be claimed again. */
export function escalationStoreContract(name: string, make: () => Promise<EscalationStore>): void {
  describe(`EscalationStore contract (${name})`, () => {
    let steps: EscalationStore;
    let run = 0;
    const g = (id: string) => `${id}-${name}-${run}`;

    beforeEach(async () => {
      steps = await make();
      run++;
    });

    it('of many concurrent claims of one step exactly one wins; a released step can be claimed again', async () => {
      const wins = await Promise.all(Array.from({ length: 8 }, () => steps.claim(g('g1'), 'step:1', T0)));
      expect(wins.filter(Boolean)).toHaveLength(1);
      expect(await steps.claim(g('g1'), 'step:2', T0)).toBe(true);
      expect(await steps.claim(g('g2'), 'step:1', T0)).toBe(true);
      await steps.release(g('g1'), 'step:1');
      expect(await steps.claim(g('g1'), 'step:1', T0)).toBe(true);
    });
  });
}
