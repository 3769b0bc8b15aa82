import { warnWithoutAutovacuum } from './autovacuum-check';

const db = (answer: string | Error) => ({
  query: async <T>() => {
    if (answer instanceof Error) throw answer;
    return { rows: [{ autovacuum: answer }] as T[] };
  },
});

describe('warnWithoutAutovacuum', () => {
  it('warns when the server runs without autovacuum, and only then', async () => {
    const warnings: unknown[] = [];
    const log = { warn: (...args: unknown[]) => warnings.push(args) };
    expect(await warnWithoutAutovacuum(db('off'), log as never)).toBe(true);
    expect(await warnWithoutAutovacuum(db('on'), log as never)).toBe(false);
    expect(warnings).toHaveLength(1);
    expect(String((warnings[0] as unknown[])[0])).toMatch(/autovacuum off/);
  });

  it('says nothing when the setting cannot be read (a role that may not SHOW it)', async () => {
    const log = { warn: jest.fn() };
    expect(await warnWithoutAutovacuum(db(new Error('permission denied')), log as never)).toBe(false);
    expect(log.warn).not.toHaveBeenCalled();
  });
});
