import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../../src/store/db';
import { postWebhook, readJson, startTestApp, type TestApp } from '../helpers/app-harness';
import { requirePostgres, type TestPostgres, testPostgres } from '../helpers/services';

/** Issue 9, last row: a notification answered 503 is counted as 503, on real PostgreSQL refusing the write. */
(requirePostgres() ? describe : describe.skip)('webhook metric status (real PostgreSQL)', () => {
  let pg: TestPostgres;
  let db: Db;
  let t: TestApp;
  beforeAll(async () => {
    pg = testPostgres();
    db = await pg.open();
    t = await startTestApp({ db });
  });
  afterAll(async () => {
    await t.close();
    await pg.drop();
  });

  it('a notification PostgreSQL refuses is answered 503 and counted with status="503"', async () => {
    await db.query('ALTER TABLE alert_groups ADD CONSTRAINT refuse_all CHECK (false) NOT VALID');
    const body = readFileSync(join(__dirname, '../fixtures/alertmanager/firing-3-alerts.json'), 'utf8');
    const res = await postWebhook(t.url, body);
    expect(res.status).toBe(503);
    expect((await readJson(res)).error.retryable).toBe(true);
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    const counted = metrics.split('\n').filter((l) => l.startsWith('mogo_webhook_requests_total{'));
    expect(counted).toEqual([expect.stringMatching(/^mogo_webhook_requests_total\{status="503",[^}]*\} 1$/)]);
  });
});
