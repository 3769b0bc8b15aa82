import { createVacuumCounter } from './pglite-vacuum';

describe('createVacuumCounter', () => {
  it('counts rows touched by UPDATE, DELETE and upserts per table, not plain INSERTs or SELECTs', () => {
    const c = createVacuumCounter({ threshold: 10, minIntervalMs: 0 });
    c.note('SELECT pos FROM group_alerts', 100);
    c.note('INSERT INTO audit_log (actor) VALUES ($1)', 100);
    c.note('UPDATE outbox SET due_at = now()', 9);
    expect(c.take()).toEqual([]);
    c.note('  DELETE FROM group_alerts WHERE group_id = $1', 6);
    c.note('INSERT INTO group_alerts (a) VALUES (1) ON CONFLICT (a) DO UPDATE SET a = 2', 4);
    expect(c.take()).toEqual(['group_alerts']);
    expect(c.take()).toEqual([]);
    c.note('update OUTBOX set x = 1', 1);
    expect(c.take()).toEqual(['outbox']);
  });

  it('waits the least interval after a vacuum, then starts counting again', () => {
    let t = 0;
    const c = createVacuumCounter({ threshold: 1, minIntervalMs: 2_000 }, () => t);
    c.note('DELETE FROM outbox', 5);
    expect(c.take()).toEqual(['outbox']);
    c.note('DELETE FROM outbox', 5);
    t = 1_999;
    expect(c.take()).toEqual([]);
    t = 2_000;
    expect(c.take()).toEqual(['outbox']);
    expect(c.take()).toEqual([]);
  });
});
