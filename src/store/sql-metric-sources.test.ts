import { openPglite } from '../../test/helpers/services';
import type { Db } from './db';
import { createSqlStateReadings } from './sql-metric-sources';

describe('state readings for /metrics (SQL)', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openPglite();
  });
  afterAll(() => db.close());

  it('counts outbox jobs and the oldest wait per priority, and firing groups per priority', async () => {
    await db.query(
      `INSERT INTO outbox (key, priority, first_post, channel, seq, due_at, queued_at) VALUES
        ('group:a', 1, true, '#a', 1, now(), now() - interval '30 seconds'),
        ('group:b', 1, true, '#a', 2, now(), now() - interval '5 seconds'),
        ('group:c', 3, false, '#b', 3, now(), now())`,
    );
    const group = (id: string, status: string, priority: string) =>
      db.query(
        `INSERT INTO alert_groups (id, group_key, status, state, version) VALUES ($1, $1, $2, $3::jsonb, 1)`,
        [id, status, JSON.stringify({ routing: { priority } })],
      );
    await group('g1', 'firing', 'P2');
    await group('g2', 'firing', 'P2');
    await group('g3', 'resolved', 'P1');

    const readings = createSqlStateReadings(db);
    const outbox = await readings.outbox();
    expect(outbox.map((r) => [r.priority, r.jobs])).toEqual([
      ['P1', 2],
      ['P3', 1],
    ]);
    expect(outbox[0]!.oldestAgeSeconds).toBeGreaterThanOrEqual(29);
    expect(await readings.openGroups()).toEqual([{ priority: 'P2', groups: 2 }]);
  });
});
