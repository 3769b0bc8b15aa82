import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from '../../src/store/db';
import { createRedisRateBudget } from '../../src/store/redis/redis-rate-budget';
import { type FakeSlack, startFakeSlack } from '../fakes/slack-server';
import { postWebhook, SIGNING_SECRET, startTestApp, type TestApp } from '../helpers/app-harness';
import { eventually, requirePostgres, requireRedis, testPostgres, testRedis } from '../helpers/services';
import { blockActionPayload, interactionBody, signSlackRequest } from '../helpers/slack-sign';

const RULES = `version: 1
defaults:
  channel: "#storm"
rules:
  - name: outage
    match: ['alertname="P1Outage"']
    weight: 200
  - name: storm
    match: ['alertname="Storm"']
    weight: 30
  - name: escalated
    match: ['severity="critical"']
    weight: 200
  - name: solo
    match: ['alertname="Solo"']
    weight: 30
    rollup: never
`;

/** One Alertmanager notification for group `name`, with `n` firing alerts. */
function notification(alertname: string, group: string, n = 1, extra: Record<string, string> = {}) {
  const labels = { alertname, group, ...extra };
  return {
    version: '4',
    groupKey: `{}:{alertname="${alertname}", group="${group}"}`,
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'mogo',
    groupLabels: labels,
    commonLabels: labels,
    commonAnnotations: { summary: `${alertname} ${group}` },
    externalURL: 'http://alertmanager:9093',
    alerts: Array.from({ length: n }, (_, i) => ({
      status: 'firing',
      labels: { ...labels, instance: `i${i}` },
      annotations: {},
      startsAt: new Date(Date.now() - 60_000).toISOString(),
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus/graph',
      fingerprint: `${group}-${i}`.padEnd(16, '0').slice(0, 16),
    })),
  };
}

const text = (m: { text?: string; blocks?: unknown }) => `${m.text ?? ''} ${JSON.stringify(m.blocks ?? [])}`;
/** The groups a roll-up message lists (its lines name them as `group=<name>`). */
const rollupMembers = (m: { text?: string; blocks?: unknown }) =>
  [...text(m).matchAll(/group=(\w+)`/g)].map((x) => x[1]!);
const has429 = (slack: FakeSlack) => slack.calls.filter((c) => c.status === 429).length;

const pg = testPostgres();
const redis = testRedis();
const services = requirePostgres() && requireRedis();

(services ? describe : describe.skip)('alert storms (real PostgreSQL and Redis, Slack-limited fake)', () => {
  let rulesDir: string;
  let slack: FakeSlack;
  const apps: TestApp[] = [];
  const dbs: Db[] = [];

  const start = async () => {
    const db = await pg.open({ max: 5 });
    dbs.push(db);
    const budget = createRedisRateBudget(await redis.client(), { prefix: redis.prefix });
    const t = await startTestApp({ slackApiUrl: slack.url, rulesDir, db, budget });
    apps.push(t);
    return t;
  };

  beforeAll(async () => {
    rulesDir = await mkdtemp(join(tmpdir(), 'mogo-storm-rules-'));
    await writeFile(join(rulesDir, '00-storm.yml'), RULES);
  });
  beforeEach(async () => {
    slack = await startFakeSlack();
    const db = await pg.open({ max: 1 });
    await db.query('TRUNCATE outbox, group_messages, rollups, rollbacks, digests, alert_groups');
    await db.close();
  });
  afterEach(async () => {
    for (const t of apps.splice(0)) await t.close();
    await slack.close();
  });
  afterAll(async () => {
    await rm(rulesDir, { recursive: true, force: true });
    await pg.drop();
    await redis.cleanup();
  });

  test('a P1 jumps 200 lower-priority groups; they share one roll-up, updated in place, without 429s', async () => {
    const t = await start();
    const names = Array.from({ length: 200 }, (_, i) => `g${String(i).padStart(3, '0')}`);
    for (let i = 0; i < names.length; i += 20)
      await Promise.all(names.slice(i, i + 20).map((g) => postWebhook(t.url, notification('Storm', g, 3))));
    const sent = Date.now();
    expect((await postWebhook(t.url, notification('P1Outage', 'core'))).status).toBe(200);

    const p1 = await slack.waitFor(
      (c) => c.method === 'chat.postMessage' && text(c.body).includes('P1Outage'),
      5000,
    );
    expect(p1.status).toBe(200);
    expect(p1.at - sent).toBeLessThan(1500);

    // every group is a line of one roll-up message in #storm, and it stays inside Block Kit's limits
    await eventually(async () => {
      const rollups = slack.messages.filter((m) => (m.text ?? '').startsWith('Alert storm in #storm'));
      return rollups.length === 1 && names.every((g) => text(rollups[0]!).includes(`group=${g}`));
    }, 30_000);
    const rollup = slack.messages.find((m) => (m.text ?? '').startsWith('Alert storm'))!;
    expect(rollup.blocks!.length).toBeLessThanOrEqual(50);
    expect(text(rollup)).toContain('3 firing');
    const posts = slack.callsTo('chat.postMessage').filter((c) => c.status === 200);
    expect(posts.length).toBeLessThanOrEqual(10); // the P1, the roll-up and the few posted before the storm showed
    expect(has429(slack)).toBeLessThanOrEqual(Math.floor(slack.calls.length / 100));

    // a line acknowledged from the roll-up's menu; the roll-up shows who
    const target = (await t.alerts.listGroups({ limit: 1000 })).find((g) => g.groupLabels.group === 'g007')!;
    const choose = (user: string, groupId: string) => {
      const payload = blockActionPayload({
        user,
        channel: rollup.channel,
        ts: rollup.ts,
        actionId: 'x',
        value: '',
      });
      payload.actions = [
        {
          type: 'static_select',
          action_id: 'mogo_rollup_ack',
          block_id: 'b',
          selected_option: { text: { type: 'plain_text', text: 'g007' }, value: groupId },
          action_ts: '1.1',
        },
      ];
      const form = interactionBody(payload);
      return fetch(`${t.url}/slack/events`, {
        method: 'POST',
        headers: signSlackRequest(SIGNING_SECRET, form),
        body: form,
      });
    };
    const res = await choose('U0ACK', target.id);
    expect(res.status).toBe(200);
    await eventually(async () => (await t.alerts.getGroup(target.id))?.ack?.by === 'U0ACK', 5000);
    await eventually(
      async () => text(slack.message(rollup.channel, rollup.ts)!).includes('ack <@U0ACK>'),
      10_000,
    );

    // an option naming a group that is not a line of this roll-up (the P1, on its own message) acts on nothing
    const p1Group = (await t.alerts.listGroups({ limit: 1000 })).find((g) => g.groupLabels.group === 'core')!;
    expect((await choose('U0EVE', p1Group.id)).status).toBe(200);
    await slack.waitFor((c) => c.method === 'chat.postEphemeral' && c.body.user === 'U0EVE', 5000);
    expect((await t.alerts.getGroup(p1Group.id))?.ack ?? null).toBeNull();
  }, 90_000);

  test('a rolled-up group that becomes P1 gets its own message and leaves the roll-up', async () => {
    const t = await start();
    const names = Array.from({ length: 12 }, (_, i) => `e${String(i).padStart(2, '0')}`);
    await Promise.all(names.map((g) => postWebhook(t.url, notification('Storm', g))));
    const isRollup = (m: { text?: string }) => (m.text ?? '').startsWith('Alert storm in #storm');
    await eventually(
      async () => slack.messages.some((m) => isRollup(m) && text(m).includes('group=e07`')),
      20_000,
    );
    const before = slack.messages.find(isRollup)!;
    expect(slack.messages.some((m) => !isRollup(m) && text(m).includes('Storm e07'))).toBe(false);

    await postWebhook(t.url, notification('Storm', 'e07', 1, { severity: 'critical' }));
    const own = await slack.waitFor(
      (c) => c.method === 'chat.postMessage' && c.status === 200 && String(c.body.text).startsWith('[P1]'),
      10_000,
    );
    expect(String(own.body.text)).toContain('Storm e07');
    await eventually(
      async () => !text(slack.message(before.channel, before.ts)!).includes('group=e07`'),
      10_000,
    );
    expect(text(slack.message(before.channel, before.ts)!)).toContain('group=e08`');
  }, 60_000);

  test("Declare incident on a roll-up opens one dialog for all its firing groups; another message's click is refused", async () => {
    const t = await start();
    const names = Array.from({ length: 12 }, (_, i) => `d${String(i).padStart(2, '0')}`);
    await Promise.all(names.map((g) => postWebhook(t.url, notification('Storm', g))));
    const isRollup = (m: { text?: string }) => (m.text ?? '').startsWith('Alert storm in #storm');
    await eventually(
      async () => slack.messages.some((m) => isRollup(m) && text(m).includes('group=d08`')),
      20_000,
    );
    const rollup = slack.messages.find(isRollup)!;
    const button = JSON.stringify(rollup.blocks).match(/"value":"(rollup:[^"]+)"/)?.[1];
    expect(button).toBeDefined();
    const click = (user: string, ts: string) => {
      const form = interactionBody(
        blockActionPayload({
          user,
          channel: rollup.channel,
          ts,
          actionId: 'mogo_incident_declare',
          value: button!,
        }),
      );
      return fetch(`${t.url}/slack/events`, {
        method: 'POST',
        headers: signSlackRequest(SIGNING_SECRET, form),
        body: form,
      });
    };

    expect((await click('U0LEAD', rollup.ts)).status).toBe(200);
    const open = await slack.waitFor((c) => c.method === 'views.open', 5000);
    const dialog = JSON.stringify(open.body.view);
    // the roll-up's firing groups are offered, all chosen: one incident for the storm
    const lines = (await t.alerts.listGroups({ limit: 1000 })).filter((g) =>
      rollupMembers(rollup).includes(g.groupLabels.group!),
    );
    expect(lines.length).toBeGreaterThan(0);
    for (const g of lines) expect(dialog).toContain(g.id);

    // the same value clicked on another message (not the roll-up it names) opens nothing
    const opened = slack.callsTo('views.open').length;
    expect((await click('U0EVE', '1700000000.000001')).status).toBe(200);
    await slack.waitFor((c) => c.method === 'chat.postEphemeral' && c.body.user === 'U0EVE', 5000);
    expect(slack.callsTo('views.open')).toHaveLength(opened);
  }, 60_000);

  test('a 429 pauses only its own budget and is not counted as a failed attempt', async () => {
    const t = await start();
    await postWebhook(t.url, notification('Solo', 'a'));
    await slack.waitFor((c) => c.method === 'chat.postMessage' && c.status === 200);
    slack.failNext('chat.update', { error: 'ratelimited', retryAfter: 2 }, 3);
    const changed = notification('Solo', 'a', 2);
    await postWebhook(t.url, changed);
    await slack.waitFor((c) => c.method === 'chat.update' && c.status === 429);
    const other = Date.now();
    await postWebhook(t.url, notification('Solo', 'b'));
    const posted = await slack.waitFor(
      (c) => c.method === 'chat.postMessage' && text(c.body).includes('Solo b'),
    );
    expect(posted.at - other).toBeLessThan(1500); // posts were not paused by the update's 429
    const ok = await slack.waitFor((c) => c.method === 'chat.update' && c.status === 200, 15_000);
    const limited = slack.callsTo('chat.update').filter((c) => c.status === 429);
    // each retry waited Slack's Retry-After (2 s), no less and no doubling back-off
    expect(limited.length).toBeGreaterThanOrEqual(1);
    for (let i = 1; i < limited.length; i++)
      expect(limited[i]!.at - limited[i - 1]!.at).toBeGreaterThanOrEqual(1900);
    expect(ok.at - limited.at(-1)!.at).toBeLessThan(4000);
    await t.audit.flush();
    expect(await t.audit.list({ action: 'alert.notify_failed' })).toEqual([]);
  }, 60_000);

  test('a message Slack refuses as invalid is sent once more as plain text, not lost', async () => {
    const t = await start();
    slack.failNext('chat.postMessage', { error: 'invalid_blocks' });
    await postWebhook(t.url, notification('Solo', 'bad'));
    const ok = await slack.waitFor((c) => c.method === 'chat.postMessage' && c.response?.ok === true);
    expect(ok.body.blocks).toBeUndefined();
    expect(String(ok.body.text)).toContain('Solo bad');
    expect(String(ok.body.text)).toContain('shortened');
    await t.audit.flush();
    expect(await t.audit.list({ action: 'alert.notify_failed' })).toEqual([]);
  }, 30_000);

  test("two replicas share one budget: posts to one channel stay at Slack's pace, no 429", async () => {
    const [a, b] = [await start(), await start()];
    const groups = Array.from({ length: 8 }, (_, i) => `s${i}`);
    await Promise.all(groups.map((g, i) => postWebhook((i % 2 ? a : b).url, notification('Solo', g))));
    await eventually(
      async () => slack.callsTo('chat.postMessage').filter((c) => c.status === 200).length === 8,
      20_000,
    );
    expect(has429(slack)).toBe(0);
    const times = slack.callsTo('chat.postMessage').map((c) => c.at);
    // a burst of 2, then one a second: 8 posts take at least 5 s
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(5000);
    expect(new Set(slack.messages.map((m) => m.ts)).size).toBe(8);
  }, 60_000);
});
