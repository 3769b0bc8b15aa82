import { Registry } from 'prom-client';
import { auditExport, auditVerify } from '../../src/cli/audit-commands';
import { publishAuditHead } from '../../src/jobs/audit-head';
import { createLogger } from '../../src/logger';
import type { Db } from '../../src/store/db';
import { createSqlAuditLog } from '../../src/store/sql-audit-log';
import { requirePostgres, type TestPostgres, testPostgres } from '../helpers/services';

function capture() {
  const io = {
    outText: '',
    errText: '',
    out: (s: string) => {
      io.outText += s;
    },
    err: (s: string) => {
      io.errText += s;
    },
  };
  return io;
}

/** `mogo audit verify` and `mogo audit export` against real PostgreSQL (issue 9, item 6). */
(requirePostgres() ? describe : describe.skip)('mogo audit verify / export', () => {
  let pg: TestPostgres;
  let db: Db;
  const started = new Date(Date.now() - 1000);
  beforeAll(async () => {
    pg = testPostgres();
    db = await pg.open();
    const audit = createSqlAuditLog(db, { onError: () => {} });
    for (let i = 1; i <= 5; i++)
      audit.append({
        actor: 'U1',
        action: 'alert.acknowledged',
        subject: `group:${i}`,
        details: { note: `=cmd "${i}"` },
      });
    await audit.close();
  });
  afterAll(() => pg.drop());

  it('verify: exit 0 with the head; a published head that still matches passes', async () => {
    const io = capture();
    expect(await auditVerify(db, [], io)).toBe(0);
    const m = /audit chain ok: 5 rows, head (5:[0-9a-f]{64})/.exec(io.outText);
    expect(m).not.toBeNull();
    expect(await auditVerify(db, ['--head', m![1]!], capture())).toBe(0);
    const wrong = capture();
    expect(await auditVerify(db, ['--head', `5:${'0'.repeat(64)}`], wrong)).toBe(1);
    expect(wrong.outText).toContain('BROKEN at row 5');
    expect(await auditVerify(db, ['--head', 'nope'], capture())).toBe(2);
  });

  it('the head is published as a log line with the hash and a gauge with the seq', async () => {
    const lines: Record<string, any>[] = [];
    const logger = createLogger('info', { write: (l: string) => void lines.push(JSON.parse(l)) });
    const registry = new Registry();
    const publisher = publishAuditHead(db, logger, registry, 60_000);
    await publisher.publish();
    publisher.stop();
    const line = lines.find((l) => l.module === 'audit-chain');
    expect(line).toMatchObject({ seq: 5, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(line!.msg).toBe(`audit chain head 5:${line!.hash}`);
    expect(await registry.metrics()).toContain('mogo_audit_chain_head_seq 5');
  });

  it('export: jsonl and csv since a time, with the chain columns', async () => {
    const jsonl = capture();
    expect(await auditExport(db, ['--since', started.toISOString()], jsonl)).toBe(0);
    const lines = jsonl.outText
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatchObject({ seq: 1, actor: 'U1', prev_hash: null, details: { note: '=cmd "1"' } });
    expect(lines[1].prev_hash).toBe(lines[0].hash);

    const csv = capture();
    expect(await auditExport(db, ['--since', started.toISOString(), '--format', 'csv'], csv)).toBe(0);
    const rows = csv.outText.trim().split('\n');
    expect(rows[0]).toBe('seq,id,occurred_at,actor,action,subject,details,prev_hash,hash');
    expect(rows).toHaveLength(6);
    expect(rows[1]).toContain('"{""note"": ""=cmd \\""1\\""""}"');
    expect(await auditExport(db, ['--since', 'yesterday-ish'], capture())).toBe(2);
    const none = capture();
    expect(await auditExport(db, ['--since', '2999-01-01T00:00:00Z'], none)).toBe(0);
    expect(none.outText).toBe('');
  });

  it('verify: exit 1 naming the first changed row', async () => {
    await db.tx(async (q) => {
      await q.query('ALTER TABLE audit_log DISABLE TRIGGER USER');
      await q.query(`UPDATE audit_log SET actor = 'UEVE' WHERE seq = 3`);
      await q.query('ALTER TABLE audit_log ENABLE TRIGGER USER');
    });
    const io = capture();
    expect(await auditVerify(db, [], io)).toBe(1);
    expect(io.outText).toMatch(/^audit chain BROKEN at row 3 \(id \d+\): hash does not match the row/);
  });
});
