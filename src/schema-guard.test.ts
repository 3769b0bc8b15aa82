import { createLogger } from './logger';
import { createSchemaGuard, runWhileReady, schemaVerdict, type WorkGate } from './schema-guard';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger('debug', { write: (s: string) => void lines.push(JSON.parse(s)) });
  return { logger, lines };
}

describe('schemaVerdict', () => {
  it('is ok on the schema the code ships', () => {
    expect(schemaVerdict(10, 10)).toEqual({ ok: true });
  });

  it('refuses a newer schema, saying both versions and why', () => {
    expect(schemaVerdict(10, 11)).toEqual({
      ok: false,
      reason: 'database schema v11 is newer than this mogo (v10): an upgrade is rolling out',
    });
  });

  it('refuses an older schema (a restore from before the migrations): a restart migrates it', () => {
    const verdict = schemaVerdict(10, 9);
    expect(verdict.ok).toBe(false);
    expect(!verdict.ok && verdict.reason).toMatch(/v9 is older than this mogo \(v10\): restart/);
  });
});

describe('createSchemaGuard', () => {
  function guardOn(versions: (number | Error)[]) {
    const { logger, lines } = capture();
    const observed: [number, number][] = [];
    const guard = createSchemaGuard({
      shipped: 10,
      read: async () => {
        const next = versions.shift();
        if (next instanceof Error) throw next;
        return next ?? 10;
      },
      everyMs: 60_000,
      logger,
      observed: (code, db) => void observed.push([code, db]),
    });
    const changes: (string | undefined)[] = [];
    guard.onChange((r) => void changes.push(r));
    return { guard, lines, observed, changes };
  }

  it('goes not ready once when the database moves ahead, logging one error line, and back when it returns', async () => {
    const { guard, lines, observed, changes } = guardOn([10, 11, 11, 10]);

    await guard.check();
    expect(guard.notReady()).toBeUndefined();
    await guard.check();
    await guard.check();
    expect(guard.notReady()).toBe(
      'database schema v11 is newer than this mogo (v10): an upgrade is rolling out',
    );
    await guard.check();

    expect(guard.notReady()).toBeUndefined();
    expect(changes).toEqual([expect.stringContaining('v11 is newer'), undefined]);
    expect(lines.filter((l) => l.level === 50)).toEqual([
      expect.objectContaining({ code: 10, database: 11, msg: expect.stringContaining('not ready') }),
    ]);
    expect(observed).toEqual([
      [10, 10],
      [10, 11],
      [10, 11],
      [10, 10],
    ]);
  });

  it('keeps its verdict when the version cannot be read (the database ping answers for that)', async () => {
    const { guard, changes } = guardOn([11, new Error('connection refused')]);
    await guard.check();
    await guard.check();
    expect(guard.notReady()).toMatch(/v11 is newer/);
    expect(changes).toHaveLength(1);
  });

  it('reads on a timer until stopped', async () => {
    jest.useFakeTimers();
    try {
      const { guard, observed } = guardOn([]);
      guard.start();
      await jest.advanceTimersByTimeAsync(180_000);
      guard.stop();
      await jest.advanceTimersByTimeAsync(180_000);
      expect(observed).toHaveLength(3);
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('runWhileReady', () => {
  function gate(initial?: string) {
    let reason = initial;
    const listeners: ((r: string | undefined) => void)[] = [];
    const g: WorkGate = { notReady: () => reason, onChange: (l) => void listeners.push(l) };
    const set = (r: string | undefined) => {
      reason = r;
      for (const l of listeners) l(r);
    };
    return { g, set };
  }
  function recorder() {
    const calls: string[] = [];
    return {
      calls,
      work: {
        start: async () => void calls.push('start'),
        stop: async () => void calls.push('stop'),
      },
    };
  }
  const settle = () => new Promise((r) => setImmediate(r));

  it('does not start work while not ready, and starts it when the gate opens', async () => {
    const { g, set } = gate('schema ahead');
    const { calls, work } = recorder();
    const run = runWhileReady(g, createLogger('silent'), work);

    await run.start();
    expect(calls).toEqual([]);
    set(undefined);
    await settle();
    expect(calls).toEqual(['start']);
    await run.stop();
    expect(calls).toEqual(['start', 'stop']);
  });

  it('stops running work when the gate closes, once, and ignores the gate after stop()', async () => {
    const { g, set } = gate();
    const { calls, work } = recorder();
    const run = runWhileReady(g, createLogger('silent'), work);

    await run.start();
    set('schema ahead');
    set('schema ahead, still');
    await settle();
    expect(calls).toEqual(['start', 'stop']);
    await run.stop();
    set(undefined);
    await settle();
    expect(calls).toEqual(['start', 'stop']);
  });

  it('without a gate simply runs', async () => {
    const { calls, work } = recorder();
    const run = runWhileReady(undefined, createLogger('silent'), work);
    await run.start();
    await run.stop();
    expect(calls).toEqual(['start', 'stop']);
  });
});
