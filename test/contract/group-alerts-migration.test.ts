import type { Alert } from '../../src/domain/alert';
import { type AlertGroup, summarizeAlerts } from '../../src/domain/group';
import type { Db } from '../../src/store/db';
import { MIGRATIONS, migrate } from '../../src/store/migrations';
import { createSqlAlertStore } from '../../src/store/sql-alert-store';
import { sampleAlert, sampleGroup } from '../fakes/alert-group';
import { openPglite, requirePostgres, testPostgres } from '../helpers/services';

/** Groups as versions before 9 stored them: the whole state, alerts included, in one jsonb document. */
function oldGroups(): AlertGroup[] {
  const mixed: Alert[] = [
    { ...sampleAlert('a', 'resolved'), annotations: { summary: 'first', description: 'same' } },
    {
      ...sampleAlert('b'),
      labels: { alertname: 'HighLatency', pod: 'p1' },
      annotations: { description: 'same' },
    },
    { ...sampleAlert('c'), generatorURL: '', refires: 2, resolvedAt: '2024-05-01T10:06:00.000Z' },
  ];
  return [
    sampleGroup('{}:{a="mixed"}', { alerts: mixed, version: 3, prunedResolved: 2 }),
    sampleGroup('{}:{a="one"}', { version: 1 }),
    sampleGroup('{}:{a="none"}', { alerts: [], status: 'resolved', version: 2 }),
    sampleGroup('{}:{a="many"}', { alerts: Array.from({ length: 600 }, (_, i) => sampleAlert(`m${i}`)) }),
  ];
}

function migration9(open: () => Promise<Db>) {
  test('moves each stored group’s alerts into their own rows, with what they come to', async () => {
    const db = await open();
    try {
      await migrate(
        db,
        MIGRATIONS.filter((m) => m.version < 9),
      );
      const groups = oldGroups();
      for (const g of groups)
        await db.query(
          'INSERT INTO alert_groups (id, group_key, status, state, version) VALUES ($1, $2, $3, $4::jsonb, $5)',
          [g.id, g.groupKey, g.status, JSON.stringify(g), g.version],
        );
      await migrate(db);

      const store = createSqlAlertStore(db);
      for (const g of groups) {
        expect(await store.getGroup(g.id)).toEqual(g);
        expect((await store.getGroupToShow(g.id, 2))!.allAlerts).toEqual(summarizeAlerts(g.alerts));
      }
    } finally {
      await db.close();
    }
  });
}

describe('migration 9: alerts in their own table (PGlite)', () =>
  migration9(() => openPglite({ migrate: false })));

const pg = testPostgres();
(requirePostgres() ? describe : describe.skip)('migration 9: alerts in their own table (PostgreSQL)', () => {
  afterAll(() => pg.drop());
  migration9(() => pg.open({ migrate: false }));
});
