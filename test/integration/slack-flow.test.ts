import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type FakeSlack, startFakeSlack } from '../fakes/slack-server';
import { postWebhook, readJson, SIGNING_SECRET, startTestApp, type TestApp } from '../helpers/app-harness';
import {
  blockActionPayload,
  interactionBody,
  signSlackRequest,
  slashCommandBody,
} from '../helpers/slack-sign';

const fixture = () =>
  JSON.parse(readFileSync(join(__dirname, '../fixtures/alertmanager/firing-3-alerts.json'), 'utf8'));

describe('Slack flow (HTTP mode, fake Slack)', () => {
  let slack: FakeSlack;
  let t: TestApp;
  let groupId: string;
  let ref: { channel: string; ts: string };

  const send = (form: string, secret = SIGNING_SECRET, timestamp?: number) =>
    fetch(`${t.url}/slack/events`, {
      method: 'POST',
      headers: signSlackRequest(secret, form, timestamp),
      body: form,
    });
  const click = (actionId: string, user: string, value = groupId) =>
    send(interactionBody(blockActionPayload({ user, channel: ref.channel, ts: ref.ts, actionId, value })));
  const updates = () => slack.callsTo('chat.update').length;
  const nextUpdate = async (after: number) => {
    await slack.waitFor(() => updates() > after, 5000);
    return slack.callsTo('chat.update')[after]!;
  };

  beforeAll(async () => {
    slack = await startFakeSlack();
    t = await startTestApp({ slackApiUrl: slack.url });
  });
  afterAll(async () => {
    await t.close();
    await slack.close();
  });

  it('posts one message per group in the routed channel, with the buttons', async () => {
    const res = await postWebhook(t.url, fixture());
    groupId = (await readJson(res)).groupId;
    const posted = await slack.waitFor((c) => c.method === 'chat.postMessage');
    ref = { channel: posted.response?.channel as string, ts: posted.response?.ts as string };
    expect(posted.body.channel).toBe('#alerts-critical');
    const blocks = JSON.stringify(posted.body.blocks);
    expect(blocks).toContain('"action_id":"mogo_ack"');
    // the repository's rules declare no rollback target, so there is nothing to roll back (see rollback-*.test.ts)
    expect(blocks).not.toContain('"action_id":"mogo_rollback"');
    expect(blocks).toContain('http://alertmanager.example.test:9093/#/silences/new');
  });

  it('Acknowledge answers at once, then the message shows who acknowledged', async () => {
    const before = updates();
    slack.delay('chat.update', 1500);
    const res = await click('mogo_ack', 'UALICE');
    expect(res.status).toBe(200);
    expect(updates()).toBe(before); // answered before the Slack update went out
    slack.delay('chat.update', 0);
    const update = await nextUpdate(before);
    expect(update.body.ts).toBe(ref.ts);
    const blocks = JSON.stringify(update.body.blocks);
    expect(blocks).toContain('UALICE');
    expect(blocks).toContain('"action_id":"mogo_unack"');
    await t.audit.flush();
    expect(await t.audit.list({ action: 'alert.acknowledged' })).toEqual([
      expect.objectContaining({ actor: 'UALICE', subject: `group:${groupId}` }),
    ]);
  });

  it('Unacknowledge works too', async () => {
    const before = updates();
    expect((await click('mogo_unack', 'UBOB')).status).toBe(200);
    const update = await nextUpdate(before);
    expect(JSON.stringify(update.body.blocks)).toContain('"action_id":"mogo_ack"');
    await t.audit.flush();
    expect((await t.audit.list({ action: 'alert.unacknowledged' }))[0]).toMatchObject({ actor: 'UBOB' });
  });

  it('a Rollback click on a group without a declared target is explained privately and changes nothing', async () => {
    const before = updates();
    expect((await click('mogo_rollback', 'UCAROL')).status).toBe(200);
    const eph = await slack.waitFor((c) => c.method === 'chat.postEphemeral' && c.body.user === 'UCAROL');
    expect(eph.body.text).toContain('no rollback target');
    expect(slack.callsTo('views.open')).toHaveLength(0);
    expect(updates()).toBe(before);
  });

  it('a click whose value names another group than its message gets an ephemeral explanation', async () => {
    expect((await click('mogo_ack', 'UALICE', 'no-such-group')).status).toBe(200);
    const eph = await slack.waitFor((c) => c.method === 'chat.postEphemeral' && c.body.user === 'UALICE');
    expect(eph.body.text).toContain('does not belong to this message');
  });

  it('rejects a bad signature and a replayed (stale) request', async () => {
    const form = interactionBody(
      blockActionPayload({ user: 'UEVE', channel: 'C1', ts: '1.1', actionId: 'mogo_ack', value: 'x' }),
    );
    expect((await send(form, 'not-the-secret')).status).toBe(401);
    expect((await send(form, SIGNING_SECRET, Math.floor(Date.now() / 1000) - 60 * 10)).status).toBe(401);
  });

  it('/incident status lists the open group privately', async () => {
    const res = await send(
      slashCommandBody({ command: '/incident', text: 'status', user_id: 'UALICE', channel_id: 'C1' }),
    );
    expect(res.status).toBe(200);
    const json = await readJson(res);
    expect(json.response_type).toBe('ephemeral');
    expect(json.text).toBe('1 open alert group');
    expect(JSON.stringify(json.blocks)).toContain('HighLatency');
  });

  it('a resolved notification updates the same message to resolved', async () => {
    const before = updates();
    const body = fixture();
    body.status = 'resolved';
    for (const a of body.alerts) {
      a.status = 'resolved';
      a.endsAt = '2026-11-23T23:40:00Z';
    }
    await postWebhook(t.url, body);
    const update = await nextUpdate(before);
    expect(update.body.ts).toBe(ref.ts);
    expect(JSON.stringify(update.body.blocks)).toContain('RESOLVED');
    expect(JSON.stringify(update.body.blocks)).toContain('api-3:8080');
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
  });
});

describe('a slow or rate-limited Slack', () => {
  it('a deleted alert message is posted again on the next change', async () => {
    const slack = await startFakeSlack();
    const t = await startTestApp({ slackApiUrl: slack.url });
    try {
      await postWebhook(t.url, fixture());
      const first = await slack.waitFor((c) => c.method === 'chat.postMessage');
      slack.failNext('chat.update', { error: 'message_not_found' });
      const changed = fixture();
      changed.alerts[2].status = 'resolved';
      changed.alerts[2].endsAt = '2026-11-23T23:30:00Z';
      await postWebhook(t.url, changed);
      await slack.waitFor(() => slack.callsTo('chat.postMessage').length === 2, 10_000);
      const second = slack.callsTo('chat.postMessage')[1]!;
      expect(second.body.channel).toBe(first.response?.channel);
      expect(second.response?.ts).not.toBe(first.response?.ts);
      expect(JSON.stringify(second.body.blocks)).toContain('resolved 1');
    } finally {
      await t.close();
      await slack.close();
    }
  });

  it('never slows or fails the webhook; the message goes out once Slack recovers', async () => {
    const slack = await startFakeSlack();
    const t = await startTestApp({ slackApiUrl: slack.url });
    try {
      slack.failNext('chat.postMessage', { error: 'ratelimited', retryAfter: 1 });
      slack.delay('chat.postMessage', 2000);
      const res = await postWebhook(t.url, fixture());
      expect(res.status).toBe(200);
      expect(slack.callsTo('chat.postMessage')).toHaveLength(0); // answered before Slack was even done
      const ok = await slack.waitFor((c) => c.method === 'chat.postMessage' && c.status === 200, 15_000);
      expect(ok.response?.ok).toBe(true);
      expect(slack.callsTo('chat.postMessage').filter((c) => c.status === 429)).toHaveLength(1);
      const metrics = await (await fetch(`${t.url}/metrics`)).text();
      // a 429 is Slack saying "later", not a failure: counted by method and outcome, not as a render failure
      expect(metrics).toMatch(
        /mogo_slack_api_calls_total\{method="chat.postMessage",outcome="ratelimited"\} 1/,
      );
      expect(metrics).not.toMatch(/mogo_slack_failures_total\{code="SLACK_RATE_LIMITED"\}/);
    } finally {
      await t.close();
      await slack.close();
    }
  });

  it('a routed channel that does not exist falls back to the default channel, saying so', async () => {
    const slack = await startFakeSlack();
    const t = await startTestApp({ slackApiUrl: slack.url });
    try {
      slack.failNext('chat.postMessage', { error: 'channel_not_found' });
      await postWebhook(t.url, fixture());
      const posted = await slack.waitFor((c) => c.method === 'chat.postMessage' && c.response?.ok === true);
      expect(posted.body.channel).toBe('#alerts');
      expect(JSON.stringify(posted.body.blocks)).toContain(
        'Meant for #alerts-critical, but the channel does not exist',
      );
      await t.audit.flush();
      expect(await t.audit.list({ action: 'alert.rerouted' })).toEqual([
        expect.objectContaining({
          details: { intended: '#alerts-critical', fallback: '#alerts', code: 'SLACK_CHANNEL_NOT_FOUND' },
        }),
      ]);
    } finally {
      await t.close();
      await slack.close();
    }
  });

  it('when the default channel fails too, it is reported and audited, not retried forever', async () => {
    const slack = await startFakeSlack();
    const t = await startTestApp({ slackApiUrl: slack.url });
    try {
      slack.failNext('chat.postMessage', { error: 'channel_not_found' }, 2);
      await postWebhook(t.url, fixture());
      await slack.waitFor(() => slack.callsTo('chat.postMessage').length === 2);
      await t.app.worker.drain();
      await new Promise((r) => setTimeout(r, 200));
      await t.audit.flush();
      expect(await t.audit.list({ action: 'alert.notify_failed' })).toEqual([
        expect.objectContaining({ details: expect.objectContaining({ code: 'SLACK_CHANNEL_NOT_FOUND' }) }),
      ]);
      expect(slack.callsTo('chat.postMessage')).toHaveLength(2);
    } finally {
      await t.close();
      await slack.close();
    }
  });
});
