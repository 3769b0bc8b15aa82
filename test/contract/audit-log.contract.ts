import { randomUUID } from 'node:crypto';
import { AppError } from '../../src/errors';
import type { AuditEntry } from '../../src/ports';
import type { Db, Queryable } from '../../src/store/db';
import { appendAuditRows, createSqlAuditLog, type SqlAuditLogOptions } from '../../src/store/sql-audit-log';
import { eventually, sleep } from '../helpers/services';

/** A Db that counts audit INSERTs and can be made to fail them, to watch batching and retries. */
function instrument(db: Db) {
  const state = { inserts: 0, failNext: 0 };
  const query: Queryable['query'] = async (sql, params) => {
    if (sql.includes('INSERT INTO audit_log')) {
      if (state.failNext > 0) {
        state.failNext--;
        throw new AppError('STORE_UNAVAILABLE', 'injected failure');
      }
      state.inserts++;
    }
    return db.query(sql, params);
  };
  return { state, db: { ...db, query } as Db };
}

/** AuditLog (buffered, batched, append-only) on every database driver. `openDb` returns a migrated database. */
export function auditLogContract(name: string, openDb: () => Promise<Db>): void {
  describe(`AuditLog contract (${name})`, () => {
    let db: Db;
    const errors: unknown[] = [];
    const open = (db: Db, opts: Partial<SqlAuditLogOptions> = {}) =>
      createSqlAuditLog(db, { onError: (err) => errors.push(err), ...opts });
    const entries = (subject: string, n: number, action = 'alert.received'): AuditEntry[] =>
      Array.from({ length: n }, (_, i) => ({ actor: 'alertmanager', action, subject, details: { i } }));

    beforeAll(async () => {
      db = await openDb();
    });
    afterAll(() => db?.close());
    beforeEach(() => {
      errors.length = 0;
    });

    test('append returns at once; flush makes entries durable, listed newest first', async () => {
      const log = open(db, { flushIntervalMs: 60_000 });
      const subject = `group:${randomUUID()}`;
      const before = Date.now();

      expect(
        log.append({ actor: 'U123', action: 'alert.acknowledged', subject, details: { via: 'button' } }),
      ).toBe(undefined);
      log.append({ actor: 'mogo', action: 'alert.posted', subject });
      await log.flush();

      const rows = await log.list({ subject });
      expect(rows.map((r) => [r.actor, r.action, r.details])).toEqual([
        ['mogo', 'alert.posted', {}],
        ['U123', 'alert.acknowledged', { via: 'button' }],
      ]);
      expect(typeof rows[0]!.id).toBe('string');
      expect(BigInt(rows[0]!.id)).toBeGreaterThan(BigInt(rows[1]!.id));
      expect(rows[0]!.occurredAt).toBeInstanceOf(Date);
      expect(rows[0]!.occurredAt.getTime()).toBeGreaterThan(before - 60_000);
      await log.close();
    });

    test('writes in batches of batchSize, keeping append order', async () => {
      const { state, db: counted } = instrument(db);
      const log = open(counted, { batchSize: 200, flushIntervalMs: 60_000 });
      const subject = `batch:${randomUUID()}`;
      for (const e of entries(subject, 450)) log.append(e);
      await log.flush();

      expect(state.inserts).toBe(3);
      const rows = await log.list({ subject, limit: 1000 });
      expect(rows.map((r) => r.details.i)).toEqual(Array.from({ length: 450 }, (_, i) => 449 - i));
      await log.close();
    });

    test('the timer writes without flush(); a full batch does not wait for it', async () => {
      const timed = open(db, { flushIntervalMs: 20 });
      const subject = `timer:${randomUUID()}`;
      timed.append(entries(subject, 1)[0]!);
      await eventually(async () => (await timed.list({ subject })).length === 1);

      const full = open(db, { batchSize: 5, flushIntervalMs: 60_000 });
      const other = `full:${randomUUID()}`;
      for (const e of entries(other, 5)) full.append(e);
      await eventually(async () => (await full.list({ subject: other })).length === 5);
      await Promise.all([timed.close(), full.close()]);
    });

    test('a failed batch is kept, reported and retried; nothing lost or duplicated', async () => {
      const { state, db: flaky } = instrument(db);
      const log = open(flaky, { batchSize: 10, flushIntervalMs: 10 });
      const subject = `retry:${randomUUID()}`;
      state.failNext = 2;
      for (const e of entries(subject, 25)) log.append(e);

      await eventually(async () => (await log.list({ subject })).length === 25);
      expect(errors).toHaveLength(2);
      expect(errors[0]).toMatchObject({ code: 'STORE_UNAVAILABLE' });
      const rows = await log.list({ subject });
      expect(rows.map((r) => r.details.i)).toEqual(Array.from({ length: 25 }, (_, i) => 24 - i));
      await log.close();
    });

    test('flush rejects while the database fails, and a later flush writes the kept rows', async () => {
      const { state, db: flaky } = instrument(db);
      const log = open(flaky, { flushIntervalMs: 60_000 });
      const subject = `down:${randomUUID()}`;
      for (const e of entries(subject, 3)) log.append(e);
      state.failNext = 1;

      await expect(log.flush()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
      await log.flush();
      expect(await log.list({ subject })).toHaveLength(3);
      await log.close();
    });

    test('list filters by action, subject and actor; limit defaults to 100 and caps at 1000', async () => {
      const log = open(db, { batchSize: 2000 });
      const subject = `list:${randomUUID()}`;
      const actor = `U${randomUUID()}`;
      for (const e of entries(subject, 1001)) log.append(e);
      log.append({ actor, action: 'alert.acknowledged', subject });
      log.append({ actor, action: 'alert.silenced', subject: `other:${randomUUID()}` });
      await log.flush();

      expect(await log.list({ subject })).toHaveLength(100);
      expect(await log.list({ subject, limit: 5000 })).toHaveLength(1000);
      expect((await log.list({ actor })).map((r) => r.action)).toEqual([
        'alert.silenced',
        'alert.acknowledged',
      ]);
      expect((await log.list({ actor, subject })).map((r) => r.action)).toEqual(['alert.acknowledged']);
      expect(await log.list({ actor, action: 'alert.silenced', limit: 1 })).toHaveLength(1);
      expect(await log.list({ actor, action: 'alert.received' })).toEqual([]);
      await log.close();
    });

    test('the table refuses UPDATE, DELETE and TRUNCATE', async () => {
      const log = open(db);
      const subject = `immutable:${randomUUID()}`;
      log.append({ actor: 'mogo', action: 'alert.posted', subject });
      await log.flush();

      await expect(
        db.query("UPDATE audit_log SET actor = 'evil' WHERE subject = $1", [subject]),
      ).rejects.toThrow(/append-only/);
      await expect(db.query('DELETE FROM audit_log WHERE subject = $1', [subject])).rejects.toThrow(
        /append-only/,
      );
      await expect(db.query("DELETE FROM audit_log WHERE subject = 'no such row'")).rejects.toThrow(
        /append-only/,
      );
      await expect(db.query('TRUNCATE audit_log')).rejects.toThrow(/append-only/);
      expect((await log.list({ subject }))[0]!.actor).toBe('mogo');
      await log.close();
    });

    test('appendAuditRows commits and rolls back with the surrounding transaction', async () => {
      const log = open(db);
      const subject = `tx:${randomUUID()}`;
      await expect(
        db.tx(async (q) => {
          await appendAuditRows(q, entries(subject, 2));
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      expect(await log.list({ subject })).toEqual([]);

      await db.tx((q) => appendAuditRows(q, entries(subject, 2)));
      expect(await log.list({ subject })).toHaveLength(2);
    });

    test('stores what was appended, even if the caller mutates it later or it holds NUL', async () => {
      const log = open(db, { flushIntervalMs: 60_000 });
      const subject = `snapshot:${randomUUID()}`;
      const details: Record<string, unknown> = { state: 'before', note: 'a\u0000b' };
      log.append({ actor: 'mogo', action: 'alert.posted\u0000', subject, details });
      details.state = 'after';
      await log.flush();

      const [row] = await log.list({ subject });
      expect(row!.details).toEqual({ state: 'before', note: 'a\uFFFDb' });
      expect(row!.action).toBe('alert.posted\uFFFD');
      await log.close();
    });

    test('invalid entries and appends after close are reported, not written', async () => {
      const log = open(db, { flushIntervalMs: 60_000 });
      const subject = `closed:${randomUUID()}`;
      log.append({ actor: '', action: 'alert.posted', subject });
      log.append({ actor: 'mogo', action: 'alert.posted', subject });
      await log.close();
      log.append({ actor: 'mogo', action: 'alert.late', subject });
      await sleep(20);

      expect((await log.list({ subject })).map((r) => r.action)).toEqual(['alert.posted']);
      expect(errors).toHaveLength(2);
      expect(errors.every((e) => e instanceof AppError)).toBe(true);
    });
  });
}
