import type { AuditEntry } from '../ports';
import type { Db } from './db';
import { createSqlAuditLog } from './sql-audit-log';

/** A database that is down until told otherwise, recording the rows of each INSERT. */
function flakyDb() {
  const inserted: { action: string; subject: string; details: unknown }[] = [];
  let up = false;
  const db: Db = {
    async query(_sql, params) {
      if (!up) throw new Error('connection refused');
      inserted.push(
        ...(JSON.parse(String(params?.[0])) as { action: string; subject: string; details: unknown }[]),
      );
      return { rows: [] };
    },
    tx: () => Promise.reject(new Error('unused')),
    close: async () => {},
  };
  const recover = () => {
    up = true;
  };
  return { db, inserted, recover };
}

const entry = (n: number): AuditEntry => ({
  actor: 'U1',
  action: 'alert.acknowledged',
  subject: `group:${n}`,
});

describe('audit buffer bound', () => {
  it('keeps at most maxBuffered rows while the database is down, then records how many it dropped', async () => {
    const { db, inserted, recover } = flakyDb();
    const errors: string[] = [];
    const audit = createSqlAuditLog(db, {
      maxBuffered: 3,
      flushIntervalMs: 5,
      onError: (e) => errors.push(String((e as Error).message)),
    });
    for (let i = 0; i < 5; i++) audit.append(entry(i));
    await expect(audit.flush()).rejects.toThrow('connection refused');
    expect(errors).toContain('audit buffer full (3 rows waiting for the database): 1 entries dropped so far');

    recover();
    await audit.flush();
    await audit.close();
    expect(inserted.map((r) => r.action)).toEqual([
      'alert.acknowledged',
      'alert.acknowledged',
      'alert.acknowledged',
      'audit.dropped',
    ]);
    expect(inserted[3]!.details).toEqual({ count: 2 });
  });
});

describe('audit drains', () => {
  it('keeps writing after a scheduled drain found the buffer already empty', async () => {
    const { db, inserted, recover } = flakyDb();
    recover();
    let release: () => void = () => {};
    const slow: Db = {
      ...db,
      // the first INSERT waits until released, so a row appended meanwhile schedules a second drain
      query: async (sql, params) => {
        if (inserted.length === 0) await new Promise<void>((r) => (release = r));
        return db.query(sql, params);
      },
    };
    const audit = createSqlAuditLog(slow, { flushIntervalMs: 5, onError: () => {} });
    audit.append(entry(1));
    await new Promise((r) => setTimeout(r, 20)); // the first drain is running
    audit.append(entry(2)); // schedules a drain in 5 ms; the running one takes this row too
    release();
    await new Promise((r) => setTimeout(r, 30)); // the scheduled drain finds nothing to do
    audit.append(entry(3));
    await audit.flush();
    expect(inserted.map((r) => r.subject)).toEqual(['group:1', 'group:2', 'group:3']);
    await audit.close();
  });
});
