import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAlertmanagerSilences } from '../../src/alertmanager/client';
import { AppError } from '../../src/errors';
import { type AlertmanagerHandle, requireAlertmanager, startAlertmanager } from '../helpers/alertmanager';
import { freePort } from '../helpers/bot-process';

const suite = requireAlertmanager() !== null ? describe : describe.skip;
const HOUR = 3600_000;

suite('Alertmanager client against a real Alertmanager', () => {
  let am: AlertmanagerHandle;
  const labels = { alertname: 'DiskFull', instance: 'db-1', severity: 'critical' };

  beforeAll(async () => {
    // the webhook goes nowhere: this suite only talks to the API
    am = await startAlertmanager({ webhookUrl: 'http://127.0.0.1:9/unused', groupWait: '1h' });
    await am.pushAlerts([{ labels }, { labels: { ...labels, instance: 'db-2' } }]);
  }, 60_000);
  afterAll(() => am?.stop());

  it('creates a silence, reads it back, sees the alert suppressed by it, expires it', async () => {
    const client = createAlertmanagerSilences({ url: am.url, auth: null });
    const now = new Date();
    const matchers = [
      { name: 'alertname', value: 'DiskFull', isRegex: false, isEqual: true },
      { name: 'instance', value: 'db-1', isRegex: false, isEqual: true },
    ];
    const { id } = await client.create({
      matchers,
      startsAt: now,
      endsAt: new Date(now.getTime() + HOUR),
      createdBy: 'alice (UALICE) via mogo',
      comment: 'disk swap',
    });
    expect(await client.get(id)).toMatchObject({ id, state: 'active', createdBy: 'alice (UALICE) via mogo' });

    let alerts = await client.alerts(matchers);
    for (let i = 0; i < 100 && alerts[0]?.state !== 'suppressed'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      alerts = await client.alerts(matchers);
    }
    expect(alerts).toEqual([expect.objectContaining({ state: 'suppressed', silencedBy: [id] })]);
    expect(
      await client.alerts([{ name: 'alertname', value: 'DiskFull', isRegex: false, isEqual: true }]),
    ).toHaveLength(2);

    expect(await client.expire(id)).toBe('expired');
    expect((await client.get(id))?.state).toBe('expired');
    // expiring it again is no failure (0.25 answers 200, older versions 500 "already expired")
    expect(['expired', 'gone']).toContain(await client.expire(id));
    expect(await client.get('00000000-0000-0000-0000-000000000000')).toBeNull();
  });

  it('a silence Alertmanager refuses (ends before it starts) is ALERTMANAGER_REJECTED with its words', async () => {
    const client = createAlertmanagerSilences({ url: am.url, auth: null });
    const now = new Date();
    const err = await client
      .create({
        matchers: [{ name: 'alertname', value: 'DiskFull', isRegex: false, isEqual: true }],
        startsAt: now,
        endsAt: new Date(now.getTime() - HOUR),
        createdBy: 'x',
        comment: 'x',
      })
      .catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err.code).toBe('ALERTMANAGER_REJECTED');
    expect(err.message).toMatch(/^Alertmanager refused to create the silence: .*end/i);
  });
});

describe('Alertmanager client: auth and failures', () => {
  let server: Server;
  let url: string;
  const seen: IncomingHttpHeaders[] = [];
  let answer: { status: number; body: string } = { status: 200, body: '{"silenceID":"s1"}' };

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.headers);
      req.resume();
      req.on('end', () =>
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const silence = {
    matchers: [{ name: 'a', value: 'b', isRegex: false, isEqual: true }],
    startsAt: new Date(),
    endsAt: new Date(Date.now() + HOUR),
    createdBy: 'x',
    comment: 'y',
  };

  it('sends a bearer token or basic credentials', async () => {
    answer = { status: 200, body: '{"silenceID":"s1"}' };
    await createAlertmanagerSilences({ url, auth: { kind: 'bearer', token: 'tok-1' } }).create(silence);
    expect(seen.at(-1)?.authorization).toBe('Bearer tok-1');
    await createAlertmanagerSilences({ url, auth: { kind: 'basic', username: 'u', password: 'p' } }).create(
      silence,
    );
    expect(seen.at(-1)?.authorization).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
  });

  it.each([
    [401, '', 'ALERTMANAGER_UNAUTHORIZED'],
    [422, '{"code":602,"message":"matcher value contains invalid characters"}', 'ALERTMANAGER_REJECTED'],
    [503, 'overloaded', 'ALERTMANAGER_UNAVAILABLE'],
  ])('HTTP %d (%j) is %s', async (status, body, code) => {
    answer = { status, body };
    const err = await createAlertmanagerSilences({ url, auth: null })
      .create(silence)
      .catch((e) => e);
    expect(err.code).toBe(code);
    if (status === 422) expect(err.message).toContain('matcher value contains invalid characters');
  });

  it('an unreachable Alertmanager is ALERTMANAGER_UNAVAILABLE, said in words', async () => {
    const port = await freePort();
    const err = await createAlertmanagerSilences({ url: `http://127.0.0.1:${port}`, auth: null })
      .create(silence)
      .catch((e) => e);
    expect(err.code).toBe('ALERTMANAGER_UNAVAILABLE');
    expect(err.message).toBe(
      `Alertmanager at http://127.0.0.1:${port} could not be reached (connection refused).`,
    );
  });
});
