import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRedisSeenRequests } from '../../src/store/redis/redis-seen-requests';
import { type FakeSlack, startFakeSlack } from '../fakes/slack-server';
import { postWebhook, readJson, SIGNING_SECRET, startTestApp, type TestApp } from '../helpers/app-harness';
import {
  eventually,
  requirePostgres,
  requireRedis,
  type TestPostgres,
  type TestRedis,
  testPostgres,
  testRedis,
} from '../helpers/services';
import { blockActionPayload, interactionBody, signSlackRequest } from '../helpers/slack-sign';

const fixture = (groupKey: string) => {
  const body = JSON.parse(
    readFileSync(join(__dirname, '../fixtures/alertmanager/firing-3-alerts.json'), 'utf8'),
  );
  body.groupKey = groupKey;
  return body;
};

/** Issue 9, item 3, on real PostgreSQL and Redis with two app instances acting as replicas. */
(requirePostgres() && requireRedis() ? describe : describe.skip)(
  'Slack requests run once (two replicas)',
  () => {
    let pg: TestPostgres;
    let redis: TestRedis;
    let slack: FakeSlack;
    let a: TestApp;
    let b: TestApp;
    const groups: { id: string; channel: string; ts: string }[] = [];

    const send = (url: string, form: string, timestamp?: number, secret = SIGNING_SECRET) =>
      fetch(`${url}/slack/events`, {
        method: 'POST',
        headers: signSlackRequest(secret, form, timestamp),
        body: form,
      });
    const clickForm = (g: { channel: string; ts: string }, value: string, actionId = 'mogo_ack') =>
      interactionBody(blockActionPayload({ user: 'UALICE', channel: g.channel, ts: g.ts, actionId, value }));
    const auditRows = async (action: string) => {
      await a.audit.flush();
      await b.audit.flush();
      return a.audit.list({ action, limit: 1000 });
    };

    beforeAll(async () => {
      pg = testPostgres();
      redis = testRedis();
      slack = await startFakeSlack();
      const db = await pg.open();
      const seenRequests = createRedisSeenRequests(await redis.client(), { prefix: redis.prefix });
      a = await startTestApp({ db, slackApiUrl: slack.url, seenRequests });
      b = await startTestApp({ db, slackApiUrl: slack.url, seenRequests });
      for (const key of ['{}:{group="A"}', '{}:{group="C"}']) {
        const { groupId } = await readJson(await postWebhook(a.url, fixture(key)));
        await eventually(async () => (await a.alerts.getMessage(groupId)) !== null, 10_000);
        const ref = (await a.alerts.getMessage(groupId))!;
        groups.push({ id: groupId, channel: ref.channel, ts: ref.ts });
      }
    });
    afterAll(async () => {
      await a.close();
      await b.close();
      await slack.close();
      await redis.cleanup();
      await pg.drop();
    });

    it('a signed click sent again (same body and headers) is refused, on either replica', async () => {
      const [g] = groups;
      const form = clickForm(g!, g!.id);
      const ts = Math.floor(Date.now() / 1000);
      expect((await send(a.url, form, ts)).status).toBe(200);
      const again = await send(a.url, form, ts);
      expect(again.status).toBe(401);
      expect((await readJson(again)).error.why).toBe('replayed');
      expect((await send(b.url, form, ts)).status).toBe(401);
      await eventually(async () => (await a.alerts.getGroup(g!.id))?.ack?.by === 'UALICE');
      expect(await auditRows('alert.acknowledged')).toHaveLength(1);
    });

    it.each([
      ['10 minutes', 600],
      ['1 hour', 3600],
    ])('a click signed %s in the future is refused', async (_, ahead) => {
      const [, g] = groups;
      const res = await send(
        a.url,
        clickForm(g!, g!.id, 'mogo_unack'),
        Math.floor(Date.now() / 1000) + ahead,
      );
      expect(res.status).toBe(401);
      expect((await readJson(res)).error.why).toBe('future_timestamp');
    });

    it('a click on message A whose value names group C changes neither', async () => {
      const [gA, gC] = groups;
      const before = await auditRows('alert.acknowledged');
      const res = await send(b.url, clickForm(gA!, gC!.id));
      expect(res.status).toBe(200);
      const eph = await slack.waitFor(
        (c) => c.method === 'chat.postEphemeral' && /does not belong/.test(String(c.body.text)),
      );
      expect(eph.body.user).toBe('UALICE');
      expect((await a.alerts.getGroup(gC!.id))?.ack ?? null).toBeNull();
      expect(await auditRows('alert.acknowledged')).toHaveLength(before.length);
    });

    it.each([
      ['an unknown action_id', () => clickForm(groups[0]!, groups[0]!.id, 'no_such_action')],
      [
        'an unknown shortcut',
        () =>
          interactionBody({
            type: 'shortcut',
            callback_id: 'nope',
            user: { id: 'U1' },
            team: { id: 'T0001' },
            trigger_id: 't',
          }),
      ],
      [
        'an unknown view submission',
        () =>
          interactionBody({
            type: 'view_submission',
            user: { id: 'U1' },
            team: { id: 'T0001' },
            view: { callback_id: 'nope', id: 'V1', state: { values: {} } },
          }),
      ],
      [
        'an event nobody listens to',
        () =>
          JSON.stringify({
            type: 'event_callback',
            team_id: 'T0001',
            event: { type: 'app_home_opened', user: 'U1' },
          }),
      ],
    ])('%s is answered 200 with an empty body within 3 s', async (_, makeBody) => {
      const body = makeBody();
      const headers = signSlackRequest(SIGNING_SECRET, body);
      if (body.startsWith('{')) headers['content-type'] = 'application/json';
      const started = Date.now();
      const res = await fetch(`${a.url}/slack/events`, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(3000),
      });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('');
      expect(Date.now() - started).toBeLessThan(3000);
    });

    it('refusals are audited as slack.rejected, once per address and reason per window', async () => {
      const form = clickForm(groups[0]!, groups[0]!.id);
      for (let i = 0; i < 3; i++)
        expect((await send(a.url, form, undefined, 'wrong-secret')).status).toBe(401);
      const rejected = async () =>
        (await auditRows('slack.rejected')).filter((r) => r.details.reason === 'bad_signature');
      // batched rows: a batch that failed under load is written on its retry, so wait for it, then count
      await eventually(async () => (await rejected()).length > 0, 20_000).catch(async (err) => {
        // seen once in CI and not since: say what was there, so the next failure explains itself
        const seen = (await auditRows('slack.rejected')).map((r) => r.details);
        const said = a.logs.filter((l) => l.module === 'slack-receiver').map((l) => [l.msg, l.reason]);
        throw new Error(
          `${err.message}; rows: ${JSON.stringify(seen)}; receiver log: ${JSON.stringify(said)}`,
        );
      });
      const rows = await rejected();
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ actor: 'slack', subject: 'slack:events', details: { status: 401 } });
      const reasons = new Set((await auditRows('slack.rejected')).map((r) => r.details.reason));
      expect(reasons).toEqual(new Set(['bad_signature', 'future_timestamp', 'replayed']));
    });
  },
);
