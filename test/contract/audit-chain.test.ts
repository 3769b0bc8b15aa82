import { verifyChain } from '../../src/store/audit-chain';
import type { Db } from '../../src/store/db';
import { MIGRATIONS, migrate } from '../../src/store/migrations';
import { createSqlAuditLog } from '../../src/store/sql-audit-log';
import { openPglite, requirePostgres, testPostgres } from '../helpers/services';

const entry = (i: number) => ({
  actor: 'mogo',
  action: 'test.row',
  subject: `s:${i}`,
  details: { i, b: 'x' },
});

async function appendMany(db: Db, n: number, from = 0) {
  const audit = createSqlAuditLog(db, { batchSize: 7, flushIntervalMs: 1, onError: () => {} });
  for (let i = 0; i < n; i++) audit.append(entry(from + i));
  await audit.close();
}

/** The hash chain of migration 6, on both databases (issue 9, item 6). */
function chainContract(name: string, open: (migrate?: boolean) => Promise<Db>, all = true) {
  const opened: Db[] = [];
  const fresh = async (m?: boolean) => {
    const db = await open(m);
    opened.push(db);
    return db;
  };
  // PGlite starts slowly: there, the trigger and the migration are checked, the rest on PostgreSQL only
  const maybe = all ? test : test.skip;
  describe(`audit hash chain (${name})`, () => {
    afterAll(async () => {
      for (const db of opened.splice(0)) await db.close();
    });
    test('batched appends form one unbroken chain; verify walks it', async () => {
      const db = await fresh();
      await appendMany(db, 50);
      const r = await verifyChain(db, { pageSize: 8 });
      expect(r).toMatchObject({
        ok: true,
        rows: 50,
        head: { seq: 50, hash: expect.stringMatching(/^[0-9a-f]{64}$/) },
      });
    });

    maybe('a row cannot be back-dated: the database sets occurred_at under the chain lock', async () => {
      const db = await fresh();
      await appendMany(db, 2);
      await db.query(
        `INSERT INTO audit_log (occurred_at, actor, action, subject) VALUES ('2020-01-01T00:00:00Z', 'UBOSS', 'alert.acknowledged', 'group:x')`,
      );
      const { rows } = await db.query<{ y: number }>(
        "SELECT extract(year FROM occurred_at)::int AS y FROM audit_log WHERE actor = 'UBOSS'",
      );
      expect(rows[0]!.y).toBeGreaterThan(2020);
      expect((await verifyChain(db)).ok).toBe(true);
    });

    maybe(
      'a changed, a removed and an inserted row are each named (the owner bypassing the trigger)',
      async () => {
        const db = await fresh();
        await appendMany(db, 10);
        const bypass = async (sql: string) =>
          db.tx(async (q) => {
            await q.query('ALTER TABLE audit_log DISABLE TRIGGER USER');
            await q.query(sql);
            await q.query('ALTER TABLE audit_log ENABLE TRIGGER USER');
          });
        await bypass(`UPDATE audit_log SET details = '{"i": 3, "b": "y"}' WHERE seq = 4`);
        expect(await verifyChain(db)).toMatchObject({
          ok: false,
          seq: 4,
          problem: expect.stringContaining('changed'),
        });
        await bypass(`UPDATE audit_log SET details = '{"i": 3, "b": "x"}' WHERE seq = 4`);
        expect((await verifyChain(db)).ok).toBe(true);

        await bypass('DELETE FROM audit_log WHERE seq = 6');
        expect(await verifyChain(db)).toMatchObject({
          ok: false,
          seq: 6,
          id: null,
          problem: 'row 6 is missing (the next row is 7)',
        });
      },
    );

    test('rows written before migration 6 join the chain in id order', async () => {
      const db = await fresh(false);
      await migrate(
        db,
        MIGRATIONS.filter((m) => m.version < 6),
      );
      await db.query(
        "INSERT INTO audit_log (actor, action, subject, details) VALUES ('a', 'x.y', 's', '{\"k\": [1, 2.50, \"\\\\u00e9\\\\n\"]}'), ('b', 'x.y', 's', '{}')",
      );
      await migrate(db);
      await appendMany(db, 3);
      expect(await verifyChain(db)).toMatchObject({ ok: true, rows: 5 });
    });
  });
}

chainContract('PGlite', (m = true) => openPglite({ migrate: m }), false);

(requirePostgres() ? describe : describe.skip)('PostgreSQL', () => {
  const pgs: ReturnType<typeof testPostgres>[] = [];
  afterAll(async () => {
    for (const pg of pgs) await pg.drop();
  });
  const open = async (m = true) => {
    const pg = testPostgres();
    pgs.push(pg);
    return pg.open({ migrate: m });
  };
  chainContract('PostgreSQL', open);

  test('two replicas writing batches at once still make one chain, in one order', async () => {
    const pg = testPostgres();
    pgs.push(pg);
    const a = await pg.open({ max: 4 });
    const b = await pg.open({ max: 4 });
    await Promise.all([appendMany(a, 300, 0), appendMany(b, 300, 1000), appendMany(a, 100, 2000)]);
    expect(await verifyChain(a)).toMatchObject({ ok: true, rows: 700, head: { seq: 700 } });
  });
});

(requirePostgres() ? describe : describe.skip)('strings jsonb refuses (PostgreSQL)', () => {
  const pg = testPostgres();
  afterAll(() => pg.drop());

  test('a lone surrogate in details or actor does not block the rows behind it', async () => {
    const db = await pg.open();
    const errors: unknown[] = [];
    const audit = createSqlAuditLog(db, { onError: (e) => errors.push(e) });
    audit.append({
      actor: 'U\ud800',
      action: 'webhook.rejected',
      subject: 's',
      details: { path: 'labels.x\udfff', ok: '😀' },
    });
    audit.append({ actor: 'mogo', action: 'test.after', subject: 's', details: { literal: '\\ud800' } });
    await audit.close();
    expect(errors).toEqual([]);
    const { rows } = await db.query<{ actor: string; details: Record<string, string> }>(
      'SELECT actor, details FROM audit_log ORDER BY seq',
    );
    expect(rows).toEqual([
      { actor: 'U\ufffd', details: { path: 'labels.x\ufffd', ok: '😀' } },
      { actor: 'mogo', details: { literal: '\\ud800' } },
    ]);
  });
});
