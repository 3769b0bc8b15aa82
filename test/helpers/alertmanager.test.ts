import { writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { startFakeSlack } from '../fakes/slack-server';
import {
  type AlertInput,
  type AlertmanagerHandle,
  requireAlertmanager,
  startAlertmanager,
} from './alertmanager';

// CAPTURE_FIXTURES=1 (re)writes the real-* fixtures from this run; a normal run never touches them.
const CAPTURE = process.env.CAPTURE_FIXTURES === '1';
const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'alertmanager');
const TOKEN = 'am-test-token-0123456789';
const EXTERNAL_URL = 'http://alertmanager.example.test:9093';

interface Received {
  headers: IncomingHttpHeaders;
  raw: Buffer;
  body: {
    version: string;
    status: string;
    receiver: string;
    groupKey: string;
    truncatedAlerts: number;
    externalURL: string;
    groupLabels: Record<string, string>;
    commonLabels: Record<string, string>;
    alerts: Array<{ status: string; labels: Record<string, string>; endsAt: string; fingerprint: string }>;
  };
}

/** A loopback webhook receiver that keeps every request exactly as it arrived. */
async function startReceiver() {
  const received: Received[] = [];
  const waiters = new Set<() => void>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      received.push({ headers: req.headers, raw, body: JSON.parse(raw.toString('utf8')) });
      res.writeHead(200).end();
      for (const w of [...waiters]) w();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const waitFor = (predicate: (r: Received) => boolean, timeoutMs = 10_000) =>
    new Promise<Received>((resolve, reject) => {
      const check = () => {
        const hit = received.find(predicate);
        if (!hit) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve(hit);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no matching webhook within ${timeoutMs}ms; got ${received.length}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  return {
    url: `http://127.0.0.1:${port}/webhooks/alertmanager`,
    received,
    waitFor,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const diskFull = (instance: string): AlertInput => ({
  labels: { alertname: 'DiskFull', cluster: 'prod', instance, severity: 'critical' },
  annotations: {
    summary: `Disk almost full on ${instance}`,
    description: `Filesystem / on ${instance} has less than 5% space left.`,
    runbook_url: 'https://runbooks.example.test/DiskFull',
  },
  generatorURL: 'http://prometheus.example.test:9090/graph?g0.expr=disk_free_ratio+%3C+0.05&g0.tab=1',
});

const binary = requireAlertmanager();
const describeAm = binary ? describe : describe.skip;

describeAm('real Alertmanager 0.25 driven on loopback', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let am: AlertmanagerHandle | undefined;

  beforeEach(async () => {
    receiver = await startReceiver();
  });

  afterEach(async () => {
    await am?.stop();
    am = undefined;
    await receiver.close();
  });

  it('sends one grouped firing webhook with a bearer token, then a resolved one', async () => {
    am = await startAlertmanager({ webhookUrl: receiver.url, token: TOKEN, externalUrl: EXTERNAL_URL });
    const alerts = [diskFull('db-1'), diskFull('db-2')];

    await am.pushAlerts(alerts);
    const firing = await receiver.waitFor((r) => r.body.status === 'firing');
    const active = await am.listAlerts();
    await am.resolveAlerts(alerts);
    const resolved = await receiver.waitFor((r) => r.body.status === 'resolved');

    expect(receiver.received.map((r) => r.body.status)).toEqual(['firing', 'resolved']);
    expect(firing.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(firing.headers['content-type']).toBe('application/json');
    expect(firing.headers['user-agent']).toMatch(/^Alertmanager\//);
    expect(firing.body).toMatchObject({
      version: '4',
      receiver: 'bot',
      groupKey: '{}:{alertname="DiskFull", cluster="prod"}',
      groupLabels: { alertname: 'DiskFull', cluster: 'prod' },
      commonLabels: { alertname: 'DiskFull', cluster: 'prod', severity: 'critical' },
      externalURL: EXTERNAL_URL,
      truncatedAlerts: 0,
    });
    expect(firing.body.alerts.map((a) => [a.status, a.labels.instance, a.endsAt])).toEqual([
      ['firing', 'db-1', '0001-01-01T00:00:00Z'],
      ['firing', 'db-2', '0001-01-01T00:00:00Z'],
    ]);
    expect(resolved.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(resolved.body.groupKey).toBe(firing.body.groupKey);
    expect(resolved.body.alerts.map((a) => a.status)).toEqual(['resolved', 'resolved']);
    expect(resolved.body.alerts.map((a) => a.fingerprint)).toEqual(
      firing.body.alerts.map((a) => a.fingerprint),
    );
    expect(resolved.body.alerts.every((a) => a.endsAt > '2000')).toBe(true);
    expect(active).toHaveLength(2);

    if (CAPTURE) {
      writeFileSync(path.join(FIXTURES, 'real-firing-2-alerts.json'), firing.raw);
      writeFileSync(path.join(FIXTURES, 'real-resolved-2-alerts.json'), resolved.raw);
    }
  });

  it('sends HTTP basic auth with user "alertmanager" and the token as password', async () => {
    am = await startAlertmanager({
      webhookUrl: receiver.url,
      token: TOKEN,
      authMode: 'basic',
      groupWait: '0s',
    });

    await am.pushAlerts([diskFull('db-3')]);
    const firing = await receiver.waitFor((r) => r.body.status === 'firing');

    const expected = Buffer.from(`alertmanager:${TOKEN}`).toString('base64');
    expect(firing.headers.authorization).toBe(`Basic ${expected}`);
    expect(firing.body.alerts).toHaveLength(1);
  });

  it('truncates the alert list to max_alerts and reports how many were dropped', async () => {
    am = await startAlertmanager({ webhookUrl: receiver.url, maxAlerts: 1 });

    await am.pushAlerts([diskFull('db-1'), diskFull('db-2'), diskFull('db-3')]);
    const firing = await receiver.waitFor((r) => r.body.status === 'firing');

    expect(firing.headers.authorization).toBeUndefined();
    expect(firing.body.alerts).toHaveLength(1);
    expect(firing.body.truncatedAlerts).toBe(2);
  });

  it('feeds a second webhook and its own slack_configs receiver the same notification', async () => {
    const second = await startReceiver();
    const slack = await startFakeSlack();
    try {
      am = await startAlertmanager({
        webhookUrl: receiver.url,
        extraWebhookUrls: [second.url],
        slack: { apiUrl: slack.webhookUrl(), channel: '#storm', title: '{{ .GroupLabels.alertname }}' },
        groupWait: '0s',
      });

      await am.pushAlerts([diskFull('db-1')]);
      await receiver.waitFor((r) => r.body.status === 'firing');
      await second.waitFor((r) => r.body.status === 'firing');
      const posted = await slack.waitFor((c) => c.method === 'incoming-webhook', 10_000);

      expect(posted.body).toMatchObject({ channel: '#storm' });
      expect(slack.messages[0]).toMatchObject({
        channelName: 'storm',
        viaWebhook: true,
        attachments: [expect.objectContaining({ title: 'DiskFull' })],
      });
    } finally {
      await second.close();
      await slack.close();
    }
  });
});
