import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../src/errors';
import { postWebhook, readJson, startTestApp, type TestApp, WEBHOOK_TOKEN } from '../helpers/app-harness';

const raw = (name: string) => readFileSync(join(__dirname, '../fixtures/alertmanager', name), 'utf8');
const fixture = (name: string) => JSON.parse(raw(name));

describe('POST /webhooks/alertmanager', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('answers 200 once recorded, and a duplicate (HA pair) changes nothing', async () => {
    const body = raw('firing-3-alerts.json');
    const first = await postWebhook(t.url, body);
    expect(first.status).toBe(200);
    const firstJson = await readJson(first);
    expect(firstJson).toEqual({ status: 'recorded', groupId: expect.stringMatching(/^[0-9a-f]{24}$/) });

    const otherPeer = fixture('firing-3-alerts.json');
    otherPeer.externalURL = 'http://alertmanager-2.example.test:9093';
    const second = await postWebhook(t.url, otherPeer);
    expect(second.status).toBe(200);
    expect(await readJson(second)).toEqual({ status: 'duplicate', groupId: firstJson.groupId });

    await t.audit.flush();
    const received = await t.audit.list({ action: 'alert.received' });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ actor: 'alertmanager', subject: `group:${firstJson.groupId}` });
    // which alerts the notification carried, by status (fingerprints only: a 10,000-alert row stays small)
    expect(received[0]?.details.alerts).toEqual({
      firing: fixture('firing-3-alerts.json').alerts.map((a: { fingerprint: string }) => a.fingerprint),
      resolved: [],
    });
    expect((await t.alerts.getGroup(firstJson.groupId))?.version).toBe(1);
  });

  it('applies a real change in the group', async () => {
    const body = fixture('firing-3-alerts.json');
    body.alerts[2].status = 'resolved';
    body.alerts[2].endsAt = '2026-11-23T23:30:00Z';
    const res = await postWebhook(t.url, body);
    expect(await readJson(res)).toMatchObject({ status: 'recorded' });
  });

  it('accepts Basic auth with the token as the password', async () => {
    const basic = Buffer.from(`alertmanager:${WEBHOOK_TOKEN}`).toString('base64');
    const res = await postWebhook(t.url, raw('firing-truncated.json'), { authorization: `Basic ${basic}` });
    expect(res.status).toBe(200);
  });

  it('401 on a wrong or missing token, audited without the token', async () => {
    const wrong = await postWebhook(t.url, raw('firing-3-alerts.json'), {
      authorization: 'Bearer not-the-token',
    });
    expect(wrong.status).toBe(401);
    expect(await readJson(wrong)).toEqual({
      error: {
        code: 'UNAUTHORIZED',
        message: expect.stringContaining('missing or invalid credentials'),
        why: 'bad_credentials',
        remote: expect.any(String),
      },
    });
    const missing = await postWebhook(t.url, raw('firing-3-alerts.json'), {});
    expect(missing.status).toBe(401);
    expect((await readJson(missing)).error.why).toBe('missing_credentials');
    await t.audit.flush();
    const rejected = await t.audit.list({ action: 'webhook.rejected' });
    // the second 401 from the same address within a minute is counted in metrics, not audited again
    expect(rejected.filter((r) => r.details.reason === 'UNAUTHORIZED')).toHaveLength(1);
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/mogo_webhook_requests_total\{status="401",outcome="unauthorized"\} 2/);
    expect(JSON.stringify(rejected)).not.toContain('not-the-token');
    expect(JSON.stringify(rejected)).not.toContain(WEBHOOK_TOKEN);
  });

  it('400 on malformed JSON', async () => {
    const res = await postWebhook(t.url, '{"receiver": "bot",');
    expect(res.status).toBe(400);
    const json = await readJson(res);
    expect(json.error.code).toBe('PAYLOAD_INVALID');
    expect(json.error.message).toMatch(/^body is not valid JSON/);
  });

  it('400 naming the field on wrong types and missing fields', async () => {
    const wrongType = fixture('firing-3-alerts.json');
    wrongType.alerts[1].labels = ['not', 'a', 'map'];
    const r1 = await postWebhook(t.url, wrongType);
    expect(r1.status).toBe(400);
    const j1 = await readJson(r1);
    expect(j1.error.message).toMatch(/^alerts\[1\]\.labels: /);
    expect(j1.error.issues[0]).toEqual({ path: 'alerts[1].labels', message: expect.any(String) });

    const missing = fixture('firing-3-alerts.json');
    delete missing.groupKey;
    const r2 = await postWebhook(t.url, missing);
    expect(r2.status).toBe(400);
    expect((await readJson(r2)).error.message).toMatch(/^groupKey: /);
  });

  it('413 over the body limit', async () => {
    const huge = JSON.stringify({ ...fixture('firing-3-alerts.json'), padding: 'x'.repeat(1024 * 1024 + 1) });
    const res = await postWebhook(t.url, huge);
    expect(res.status).toBe(413);
    expect((await readJson(res)).error).toEqual({
      code: 'PAYLOAD_TOO_LARGE',
      message: 'request body is larger than the limit of 1048576 bytes',
    });
  });

  it('405 on the wrong method, 404 elsewhere', async () => {
    expect((await fetch(`${t.url}/webhooks/alertmanager`)).status).toBe(405);
    expect((await fetch(`${t.url}/nope`)).status).toBe(404);
  });

  it('health, readiness and metrics answer', async () => {
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${t.url}/readyz`)).json()).toEqual({ status: 'ready', slack: 'local' });
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/mogo_webhook_requests_total\{status="200",outcome="recorded"\} \d+/);
    expect(metrics).toMatch(/mogo_webhook_requests_total\{status="401",outcome="unauthorized"\} \d+/);
  });
});

describe('when Redis is unreachable', () => {
  it('stays ready (PostgreSQL holds the outbox), says degraded and names Redis, and still records webhooks', async () => {
    const t = await startTestApp({ degraded: async () => ['redis: connect ECONNREFUSED 127.0.0.1:6379'] });
    try {
      const ready = await fetch(`${t.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({
        status: 'degraded',
        slack: 'local',
        degraded: ['redis: connect ECONNREFUSED 127.0.0.1:6379'],
      });
      const res = await postWebhook(t.url, raw('firing-3-alerts.json'));
      expect(res.status).toBe(200);
      expect(await readJson(res)).toMatchObject({ status: 'recorded' });
    } finally {
      await t.close();
    }
  });
});

describe('when the notification cannot be recorded', () => {
  it('answers 503 so Alertmanager retries, never a 4xx', async () => {
    const t = await startTestApp({
      wrapAlerts: (s) => ({
        ...s,
        mutateGroup: async () => {
          throw new AppError('STORE_UNAVAILABLE', 'database is down');
        },
      }),
    });
    try {
      const res = await postWebhook(t.url, raw('firing-3-alerts.json'));
      expect(res.status).toBe(503);
      expect(await readJson(res)).toEqual({
        error: {
          code: 'STORE_UNAVAILABLE',
          message: 'could not record the notification; retry later',
          retryable: true,
        },
      });
    } finally {
      await t.close();
    }
  });

  it('an unexpected failure is a 503 too', async () => {
    const t = await startTestApp({
      wrapAlerts: (s) => ({
        ...s,
        mutateGroup: async () => {
          throw new TypeError('boom');
        },
      }),
    });
    try {
      expect((await postWebhook(t.url, raw('firing-3-alerts.json'))).status).toBe(503);
      // the metric counts the status sent, not the error's own 500
      const metrics = await (await fetch(`${t.url}/metrics`)).text();
      expect(metrics).toMatch(/mogo_webhook_requests_total\{status="503",outcome="unavailable"\} 1/);
      expect(metrics).not.toMatch(/mogo_webhook_requests_total\{status="500"/);
    } finally {
      await t.close();
    }
  });
});
