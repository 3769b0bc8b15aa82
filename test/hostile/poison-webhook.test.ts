import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { postWebhook, readJson, startTestApp, type TestApp } from '../helpers/app-harness';
import { requirePostgres, type TestPostgres, testPostgres } from '../helpers/services';

const fixture = () =>
  JSON.parse(readFileSync(join(__dirname, '../fixtures/alertmanager/firing-3-alerts.json'), 'utf8'));

/** Issue 9, rows 1-2: strings PostgreSQL refuses and timestamps that are not RFC 3339, on real PostgreSQL. */
(requirePostgres() ? describe : describe.skip)('poison notifications (real PostgreSQL)', () => {
  let pg: TestPostgres;
  let t: TestApp;
  beforeAll(async () => {
    pg = testPostgres();
    t = await startTestApp({ db: await pg.open() });
  });
  afterAll(async () => {
    await t.close();
    await pg.drop();
  });

  it.each([
    [
      'a label value with NUL',
      (b: any) => (b.alerts[0].labels.instance = 'api-1\u0000'),
      'alerts[0].labels.instance',
    ],
    [
      'a label name with a lone surrogate',
      (b: any) => (b.alerts[0].labels['x\ud800'] = 'y'),
      'alerts[0].labels.x\ufffd',
    ],
    [
      'an annotation with NUL',
      (b: any) => (b.alerts[1].annotations.summary = 'a\u0000b'),
      'alerts[1].annotations.summary',
    ],
    ['the receiver with NUL', (b: any) => (b.receiver = 'bot\u0000'), 'receiver'],
    ['the groupKey with a lone surrogate', (b: any) => (b.groupKey = `${b.groupKey}\udfff`), 'groupKey'],
    ['the externalURL with NUL', (b: any) => (b.externalURL = `${b.externalURL}\u0000`), 'externalURL'],
    [
      'a generatorURL with a lone surrogate',
      (b: any) => (b.alerts[0].generatorURL = `${b.alerts[0].generatorURL}\udc00`),
      'alerts[0].generatorURL',
    ],
    ['a fingerprint with NUL', (b: any) => (b.alerts[1].fingerprint = 'ab\u0000cd'), 'alerts[1].fingerprint'],
    ['a common label with ESC', (b: any) => (b.commonLabels.job = 'api\u001b[31m'), 'commonLabels.job'],
    ['a group label with NUL', (b: any) => (b.groupLabels.cluster = 'prod\u0000'), 'groupLabels.cluster'],
    [
      'a common annotation with a C1 control',
      (b: any) => (b.commonAnnotations.runbook_url = 'https://runbooks.example.test/x\u0085'),
      'commonAnnotations.runbook_url',
    ],
  ])(
    '%s is recorded with U+FFFD and the replacement audited; the group resolves later',
    async (_, mutate, path) => {
      const body = fixture();
      body.groupKey = `${body.groupKey}:${path}`;
      mutate(body);
      const res = await postWebhook(t.url, body);
      expect(res.status).toBe(200);
      const { groupId, status } = await readJson(res);
      expect(status).toBe('recorded');

      const resolved = structuredClone(body);
      resolved.status = 'resolved';
      for (const a of resolved.alerts) {
        a.status = 'resolved';
        a.endsAt = '2026-11-24T00:00:00Z';
      }
      const later = await postWebhook(t.url, resolved);
      expect(later.status).toBe(200);
      expect((await t.alerts.getGroup(groupId))?.status).toBe('resolved');

      await t.audit.flush();
      const rows = (await t.audit.list({ action: 'alert.received' })).filter(
        (r) => r.subject === `group:${groupId}`,
      );
      expect(rows).toHaveLength(2);
      expect(rows.map((r) => r.details.sanitized)).toEqual([[path], [path]]);
    },
  );

  it.each([['1'], ['Tue, 1 Jan 2030'], ['2024-01-01 (<!channel>)']])(
    'startsAt %j is refused with 400 naming the field',
    async (startsAt) => {
      const body = fixture();
      body.alerts[2].startsAt = startsAt;
      const res = await postWebhook(t.url, body);
      expect(res.status).toBe(400);
      const json = await readJson(res);
      expect(json.error.code).toBe('PAYLOAD_INVALID');
      expect(json.error.message).toMatch(/^alerts\[2\]\.startsAt: must be an RFC 3339 timestamp/);
    },
  );
});
