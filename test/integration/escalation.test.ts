/**
 * Escalation across two app instances sharing one real PostgreSQL (two replicas): each step is told once, in the
 * thread of the group's message, pinging the chain in order; acknowledging stops the chain and starts reminders.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acknowledgeGroup } from '../../src/incidents/acknowledge';
import type { Db } from '../../src/store/db';
import { manualClock } from '../fakes/clock';
import { type FakeSlack, startFakeSlack } from '../fakes/slack-server';
import { postWebhook, readJson, startTestApp, type TestApp } from '../helpers/app-harness';
import { requirePostgres, type TestPostgres, testPostgres } from '../helpers/services';

const RULES = `version: 1
defaults:
  channel: "#alerts"
  escalation:
    P1:
      after: 5m
      chain: [oncall, "S0SRE", "@here"]
      remind_after: 30m
rules:
  - name: critical
    match: ['severity="critical"']
    weight: 100
rotations:
  - team: payments
    members: [UALICE]
    rotation: daily
    handoff: "09:00"
    time_zone: Europe/Berlin
    start: "2020-01-01"
`;

const MIN = 60_000;
// the alert store queues renders by the database's clock: the fake clock starts a minute ahead of it
const START = new Date(Date.now() + 60_000);

const describeWithPg = requirePostgres() ? describe : describe.skip;

describeWithPg('escalation across two replicas (real PostgreSQL, fake Slack, fake clock)', () => {
  const clock = manualClock(START);
  let pg: TestPostgres;
  let db: Db;
  let slack: FakeSlack;
  let dir: string;
  let a: TestApp;
  let b: TestApp;
  let groupId: string;
  let ts: string;

  const replies = () => slack.callsTo('chat.postMessage').filter((c) => c.body.thread_ts === ts);
  const runBoth = () =>
    Promise.all([a.app.oncall.escalation.runNow(), b.app.oncall.escalation.runNow()]).then(([x, y]) => ({
      escalated: x.escalated + y.escalated,
      reminded: x.reminded + y.reminded,
    }));

  beforeAll(async () => {
    pg = testPostgres();
    db = await pg.open({ max: 6 });
    slack = await startFakeSlack({ limits: false });
    dir = await mkdtemp(join(tmpdir(), 'mogo-escalation-'));
    await writeFile(join(dir, '00-rules.yml'), RULES);
    const opts = { slackApiUrl: slack.url, db, clock, rulesDir: dir };
    a = await startTestApp(opts);
    b = await startTestApp(opts);
    const res = await postWebhook(a.url, {
      version: '4',
      status: 'firing',
      receiver: 'mogo',
      groupKey: '{}:{alertname="PaymentsDown"}',
      groupLabels: { alertname: 'PaymentsDown' },
      commonLabels: { alertname: 'PaymentsDown', severity: 'critical', team: 'payments' },
      commonAnnotations: { summary: 'payments API down' },
      externalURL: 'http://alertmanager.example.test:9093',
      truncatedAlerts: 0,
      alerts: [
        {
          status: 'firing',
          labels: { alertname: 'PaymentsDown', severity: 'critical', team: 'payments' },
          annotations: {},
          startsAt: START.toISOString(),
          endsAt: '0001-01-01T00:00:00Z',
          generatorURL: '',
          fingerprint: 'fp-payments',
        },
      ],
    });
    expect(res.status).toBe(200);
    groupId = (await readJson(res)).groupId;
    const posted = await slack.waitFor((c) => c.method === 'chat.postMessage' && !c.body.thread_ts, 10_000);

    ts = posted.response?.ts as string;
    // the P1 names the on-call of its team in the message itself
    expect(String(posted.body.text)).toContain('<@UALICE>');
    await eventuallyPlaced();
  }, 60_000);

  /** The message's ts is recorded just after the post; escalation replies only once it is. */
  async function eventuallyPlaced() {
    for (let i = 0; i < 500; i++) {
      if (await a.alerts.getMessage(groupId)) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error('message never recorded');
  }

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await slack?.close();
    await pg?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('nothing happens before the first deadline', async () => {
    clock.advance(4 * MIN);
    expect(await runBoth()).toEqual({ escalated: 0, reminded: 0 });
    expect(replies()).toHaveLength(0);
  });

  it('each step is told once across both replicas, one step per deadline, walking the chain', async () => {
    clock.advance(1 * MIN); // 5 minutes unacknowledged
    expect(await runBoth()).toEqual({ escalated: 1, reminded: 0 });
    expect(await runBoth()).toEqual({ escalated: 0, reminded: 0 });
    expect(replies()).toHaveLength(1);
    expect(replies()[0]!.body.text).toMatch(
      /^<@UALICE> :rotating_light: \*\[P1\] PaymentsDown\* has not been acknowledged for 5m \(step 1 of 3\)/,
    );

    clock.advance(5 * MIN);
    expect(await runBoth()).toEqual({ escalated: 1, reminded: 0 });
    expect(replies()).toHaveLength(2);
    expect(replies()[1]!.body.text).toMatch(/^<!subteam\^S0SRE> .*\(step 2 of 3\)/);
  });

  it('a restarted replica does not tell a step again', async () => {
    await b.close();
    b = await startTestApp({ slackApiUrl: slack.url, db, clock, rulesDir: dir });
    expect(await runBoth()).toEqual({ escalated: 0, reminded: 0 });
    expect(replies()).toHaveLength(2);
  });

  it('acknowledging stops the chain; a group still firing 30 minutes after the ack gets one reminder', async () => {
    expect((await acknowledgeGroup({ alerts: a.alerts, clock }, groupId, 'UBOB')).kind).toBe('ok');
    clock.advance(10 * MIN);
    expect(await runBoth()).toEqual({ escalated: 0, reminded: 0 });
    clock.advance(20 * MIN);
    expect(await runBoth()).toEqual({ escalated: 0, reminded: 1 });
    expect(await runBoth()).toEqual({ escalated: 0, reminded: 0 });
    expect(replies()).toHaveLength(3);
    expect(replies()[2]!.body.text).toContain('still firing 30m after <@UBOB> acknowledged it');

    await Promise.all([a.audit.flush(), b.audit.flush()]);
    const escalated = await a.audit.list({ action: 'alert.escalated' });
    // each replica writes its audit rows in its own batches: which step's row landed first is not fixed
    const bySteps = escalated
      .map((r) => [r.subject, r.details.step, r.details.mention])
      .sort((x, y) => Number(x[1]) - Number(y[1]));
    expect(bySteps).toEqual([
      [`group:${groupId}`, 1, '<@UALICE>'],
      [`group:${groupId}`, 2, '<!subteam^S0SRE>'],
    ]);
    expect(await a.audit.list({ action: 'alert.reminded' })).toEqual([
      expect.objectContaining({
        subject: `group:${groupId}`,
        details: expect.objectContaining({ acknowledgedBy: 'UBOB' }),
      }),
    ]);
  });
});
