import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AlertStore } from '../../src/ports';
import { type FakeSlack, startFakeSlack } from '../fakes/slack-server';
import { postWebhook, readJson, SIGNING_SECRET, startTestApp, type TestApp } from '../helpers/app-harness';
import { eventually } from '../helpers/services';
import { signSlackRequest, slashCommandBody } from '../helpers/slack-sign';

const fixture = () =>
  JSON.parse(readFileSync(join(__dirname, '../fixtures/alertmanager/firing-3-alerts.json'), 'utf8'));

describe('/incident: the subcommand table', () => {
  let slack: FakeSlack;
  let t: TestApp;
  let slowReads = 0;

  const slowList = (s: AlertStore): AlertStore => ({
    ...s,
    listGroups: async (q) => {
      if (slowReads > 0) await new Promise((r) => setTimeout(r, slowReads));
      return s.listGroups(q);
    },
  });
  const command = (text: string, user = 'UALICE') => {
    const form = slashCommandBody({
      command: '/incident',
      text,
      user_id: user,
      channel_id: 'C1',
      response_url: slack.responseUrl(`r-${text}`),
    });
    return fetch(`${t.url}/slack/events`, {
      method: 'POST',
      headers: signSlackRequest(SIGNING_SECRET, form),
      body: form,
    });
  };
  const commandRows = async (actor: string) => {
    await t.audit.flush();
    return t.audit.list({ action: 'command.invoked', actor });
  };

  beforeAll(async () => {
    slack = await startFakeSlack();
    // no read cache, so every status reads the (slowed) store
    const noCache = { get: async () => null, set: async () => {}, delete: async () => {} };
    t = await startTestApp({ slackApiUrl: slack.url, wrapAlerts: slowList, readCache: noCache });
    await postWebhook(t.url, fixture());
  }, 90_000);
  afterAll(async () => {
    await t.close();
    await slack.close();
  });

  it('help lists every subcommand with its usage', async () => {
    const json = await readJson(await command('help'));
    expect(json.response_type).toBe('ephemeral');
    const text = JSON.stringify(json.blocks);
    expect(text).toContain('/incident status [public]');
    expect(text).toContain('/incident help');
    expect(await t.app.metrics.registry.metrics()).toContain(
      'mogo_slack_interactions_total{action="/incident help"} 1',
    );
  });

  it('unknown input gets help, said first, and is audited as unknown', async () => {
    const json = await readJson(await command('frobnicate now'));
    expect(json.text).toBe('Unknown command frobnicate.');
    expect(JSON.stringify(json.blocks)).toContain('/incident status');
    await eventually(
      async () => (await commandRows('UALICE')).some((r) => r.details.outcome === 'unknown'),
      10_000,
    );
    expect((await commandRows('UALICE')).find((r) => r.details.outcome === 'unknown')).toMatchObject({
      subject: 'command:/incident ?',
      details: expect.objectContaining({ text: 'frobnicate now', channel: 'C1' }),
    });
  });

  it('status public answers in the channel; every command is audited with its outcome', async () => {
    const json = await readJson(await command('status public', 'UBOB'));
    expect(json.response_type).toBe('in_channel');
    expect(json.text).toBe('1 open alert group');
    await eventually(async () => (await commandRows('UBOB')).length > 0, 10_000);
    expect(await commandRows('UBOB')).toEqual([
      expect.objectContaining({
        subject: 'command:/incident status',
        details: expect.objectContaining({ outcome: 'ok' }),
      }),
    ]);
  });

  it('an answer slower than ~2 s is acked at once and finished through response_url', async () => {
    slowReads = 2_600;
    try {
      const res = await command('status');
      expect(res.status).toBe(200);
      expect((await readJson(res)).text).toBe('Working on it…');
      const late = await slack.waitFor(
        (c) => c.method === 'response_url' && c.path === '/respond/r-status',
        15_000,
      );
      expect(late.body).toMatchObject({ response_type: 'ephemeral', text: '1 open alert group' });
    } finally {
      slowReads = 0;
    }
  });
});
