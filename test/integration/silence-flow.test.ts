import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type FakeSlack, startFakeSlack } from '../fakes/slack-server';
import { type AlertmanagerHandle, requireAlertmanager, startAlertmanager } from '../helpers/alertmanager';
import {
  postWebhook,
  readJson,
  SIGNING_SECRET,
  startTestApp,
  type TestApp,
  WEBHOOK_TOKEN,
} from '../helpers/app-harness';
import { freePort } from '../helpers/bot-process';
import { eventually } from '../helpers/services';
import {
  blockActionPayload,
  interactionBody,
  signSlackRequest,
  slashCommandBody,
  viewSubmissionPayload,
} from '../helpers/slack-sign';

const suite = requireAlertmanager() !== null ? describe : describe.skip;
const LABELS = { alertname: 'DiskFull', severity: 'critical', team: 'storage' };
const ALERTS = [
  { labels: { ...LABELS, instance: 'db-1' }, annotations: { summary: 'disk full' } },
  { labels: { ...LABELS, instance: 'db-2' }, annotations: { summary: 'disk full' } },
];

/** Alertmanager's webhook goes here and on to the app, which starts after Alertmanager (it needs its URL). */
async function startRelay(): Promise<{ url: string; to(target: string): void; close(): Promise<void> }> {
  let target = '';
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (!target) return void res.writeHead(503).end();
      fetch(`${target}/webhooks/alertmanager`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: String(req.headers.authorization) },
        body: Buffer.concat(chunks),
      }).then(
        (r) => res.writeHead(r.status).end(),
        () => res.writeHead(503).end(),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    to: (t) => {
      target = t;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

suite('Silence against a real Alertmanager', () => {
  let am: AlertmanagerHandle;
  let relay: Awaited<ReturnType<typeof startRelay>>;
  let slack: FakeSlack;
  let t: TestApp;
  let groupId: string;
  let ref: { channel: string; ts: string };

  const send = (form: string) =>
    fetch(`${t.url}/slack/events`, {
      method: 'POST',
      headers: signSlackRequest(SIGNING_SECRET, form),
      body: form,
    });
  const click = (actionId: string, user: string) =>
    send(
      interactionBody(
        blockActionPayload({ user, channel: ref.channel, ts: ref.ts, actionId, value: groupId }),
      ),
    );
  const slashCommand = (text: string, user: string) => {
    const form = slashCommandBody({ command: '/incident', text, user_id: user, channel_id: ref.channel });
    return send(form);
  };
  const amSilences = async () =>
    (await (await fetch(`${am.url}/api/v2/silences`)).json()) as {
      id: string;
      status: { state: string };
      createdBy: string;
      comment: string;
      matchers: { name: string; value: string }[];
    }[];
  const lastUpdate = () => JSON.stringify(slack.callsTo('chat.update').at(-1)?.body.blocks ?? []);
  const auditRows = async (action: string) => {
    await t.audit.flush();
    return t.audit.list({ action });
  };
  /** Opens the dialog with the Silence… button and submits it as Slack would. */
  const silenceByDialog = async (
    user: string,
    values: { preset?: string; scope?: string; comment?: string },
  ) => {
    const opened = slack.callsTo('views.open').length;
    expect((await click('mogo_silence', user)).status).toBe(200);
    await slack.waitFor(() => slack.callsTo('views.open').length > opened, 10_000);
    const call = slack.callsTo('views.open')[opened]!;
    const view = {
      ...(call.body.view as Record<string, unknown>),
      id: (call.response!.view as { id: string }).id,
    };
    return send(
      interactionBody(
        viewSubmissionPayload({
          user,
          view: {
            ...view,
            state: {
              values: {
                silence_preset: { preset: { selected_option: { value: values.preset ?? '1h' } } },
                silence_custom: { custom: { value: null } },
                silence_scope: { scope: { selected_option: { value: values.scope ?? 'group' } } },
                silence_comment: { comment: { value: values.comment ?? null } },
              },
            },
          },
        }),
      ),
    );
  };

  beforeAll(async () => {
    relay = await startRelay();
    am = await startAlertmanager({
      webhookUrl: relay.url,
      token: WEBHOOK_TOKEN,
      groupBy: ['alertname'],
      groupWait: '0s',
      groupInterval: '1s',
    });
    slack = await startFakeSlack();
    t = await startTestApp({ slackApiUrl: slack.url, alertmanagerUrl: am.url });
    relay.to(t.url);
    await am.pushAlerts(ALERTS);
    const posted = await slack.waitFor((c) => c.method === 'chat.postMessage', 20_000);
    ref = { channel: posted.response?.channel as string, ts: posted.response?.ts as string };
    await eventually(async () => (await t.alerts.findGroupIdByMessage(ref)) !== null, 10_000);
    groupId = (await t.alerts.findGroupIdByMessage(ref))!;
  }, 90_000);
  afterAll(async () => {
    await t?.close();
    await slack?.close();
    await am?.stop();
    await relay?.close();
  });

  it('the message offers Silence… (a dialog, not a link to Alertmanager)', () => {
    const blocks = JSON.stringify(slack.callsTo('chat.postMessage')[0]!.body.blocks);
    expect(blocks).toContain('"action_id":"mogo_silence"');
    expect(blocks).not.toContain('#/silences/new');
  });

  it('the dialog creates a real silence on the group’s common labels; the message says who, until when', async () => {
    const res = await silenceByDialog('UALICE', { preset: '2h', comment: 'disk swap' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(''); // closes the dialog

    const silences = (await amSilences()).filter((s) => s.status.state === 'active');
    expect(silences).toHaveLength(1);
    expect(silences[0]).toMatchObject({ createdBy: 'ualice (UALICE)', comment: 'disk swap' });
    expect(silences[0]!.matchers.map((m) => `${m.name}=${m.value}`).sort()).toEqual([
      'alertname=DiskFull',
      'severity=critical',
      'team=storage',
    ]);
    // Alertmanager now holds both alerts as suppressed by it
    await eventually(async () => {
      const alerts = await am.listAlerts();
      return alerts.every((a) => (a.status as { state: string }).state === 'suppressed');
    }, 10_000);
    await slack.waitFor(() => lastUpdate().includes('Silenced by <@UALICE>'), 10_000);
    expect(lastUpdate()).toContain('"action_id":"mogo_unsilence"');
    expect(lastUpdate().match(/:no_bell: \*silenced\*/g)).toHaveLength(2);
    expect(await auditRows('alert.silenced')).toEqual([
      expect.objectContaining({
        actor: 'UALICE',
        subject: `group:${groupId}`,
        details: expect.objectContaining({ silenceId: silences[0]!.id, scope: 'group', duration: '2h' }),
      }),
    ]);
  });

  it('Unsilence expires it in Alertmanager and the message drops it', async () => {
    expect((await click('mogo_unsilence', 'UBOB')).status).toBe(200);
    await eventually(async () => (await amSilences()).every((s) => s.status.state === 'expired'), 10_000);
    await slack.waitFor(() => !lastUpdate().includes('Silenced by'), 10_000);
    expect(lastUpdate()).not.toContain('mogo_unsilence');
    await eventually(async () => (await auditRows('alert.unsilenced')).length === 1, 10_000);
    expect((await auditRows('alert.unsilenced'))[0]).toMatchObject({
      actor: 'UBOB',
      details: expect.objectContaining({ reason: 'unsilenced' }),
    });
  });

  it('a silence expired in Alertmanager’s UI is noticed by the poller', async () => {
    await silenceByDialog('UALICE', { scope: (await t.alerts.getGroup(groupId))!.alerts[0]!.fingerprint });
    await slack.waitFor(() => lastUpdate().includes('one alert:'), 10_000);
    const [active] = (await amSilences()).filter((s) => s.status.state === 'active');
    expect(active!.matchers.map((m) => m.name)).toContain('instance');
    // someone presses Expire in Alertmanager's UI
    expect((await fetch(`${am.url}/api/v2/silence/${active!.id}`, { method: 'DELETE' })).status).toBe(200);

    expect(await t.app.console.poller!.runNow()).toMatchObject({ checked: 1, ended: 1 });
    await slack.waitFor(() => !lastUpdate().includes('Silenced by'), 10_000);
    const rows = await auditRows('alert.unsilenced');
    expect(rows[0]).toMatchObject({
      actor: 'alertmanager',
      details: expect.objectContaining({ silenceId: active!.id, reason: 'removed' }),
    });
  });

  it('/incident silence and unsilence do the same by command', async () => {
    const short = groupId.slice(0, 6);
    const json = await readJson(await slashCommand(`silence ${short} 90m “rack 4 swap”`, 'UDAVE'));
    expect(json.text).toMatch(/^:no_bell: Silenced the whole group for 1h30m, until /);
    const [active] = (await amSilences()).filter((s) => s.status.state === 'active');
    expect(active).toMatchObject({ createdBy: 'udave (UDAVE)', comment: 'rack 4 swap' });
    await slack.waitFor(() => lastUpdate().includes('Silenced by <@UDAVE>'), 10_000);

    expect((await readJson(await slashCommand(`unsilence ${short}`, 'UDAVE'))).text).toContain('Unsilenced');
    expect((await amSilences()).find((s) => s.id === active!.id)?.status.state).toBe('expired');
    const bad = await readJson(await slashCommand(`silence ${short} soon`, 'UDAVE'));
    expect(bad.text).toBe('Not silenced: "soon" is not a duration; use e.g. 90m, 2h or 1d.');
  });

  it('an alert that resolves while silenced (Alertmanager tells nobody) is shown resolved', async () => {
    await silenceByDialog('UALICE', { preset: '1h' });
    await slack.waitFor(() => lastUpdate().includes('Silenced by'), 10_000);
    await am.resolveAlerts([ALERTS[1]!]);
    await eventually(async () => (await am.listAlerts()).length === 1, 10_000);

    expect(await t.app.console.poller!.runNow()).toMatchObject({ resolved: 1 });
    await slack.waitFor(() => lastUpdate().includes('resolved 1'), 10_000);
    expect((await auditRows('alert.resolved_silenced'))[0]).toMatchObject({ actor: 'alertmanager' });
  });
});

describe('Silence while Alertmanager is down', () => {
  it('the dialog says so in words and nothing is recorded', async () => {
    const slack = await startFakeSlack();
    const deadPort = await freePort();
    const t = await startTestApp({ slackApiUrl: slack.url, alertmanagerUrl: `http://127.0.0.1:${deadPort}` });
    try {
      const body = JSON.parse(
        readFileSync(join(__dirname, '../fixtures/alertmanager/firing-3-alerts.json'), 'utf8'),
      );
      const groupId = (await readJson(await postWebhook(t.url, body))).groupId as string;
      await slack.waitFor((c) => c.method === 'chat.postMessage', 10_000);
      const form = interactionBody(
        viewSubmissionPayload({
          user: 'UALICE',
          view: {
            callback_id: 'mogo_silence_submit',
            private_metadata: JSON.stringify({ g: groupId }),
            state: { values: { silence_preset: { preset: { selected_option: { value: '1h' } } } } },
          },
        }),
      );
      const res = await fetch(`${t.url}/slack/events`, {
        method: 'POST',
        headers: signSlackRequest(SIGNING_SECRET, form),
        body: form,
      });
      const answer = await readJson(res);
      expect(answer.response_action).toBe('errors');
      expect(answer.errors.silence_comment).toBe(
        `Not silenced, nothing was changed: Alertmanager at http://127.0.0.1:${deadPort} could not be reached (connection refused).`,
      );
      // the command says the same
      const cmd = slashCommandBody({
        command: '/incident',
        text: `silence ${groupId} 1h`,
        user_id: 'UALICE',
        channel_id: 'C1',
      });
      const said = await readJson(
        await fetch(`${t.url}/slack/events`, {
          method: 'POST',
          headers: signSlackRequest(SIGNING_SECRET, cmd),
          body: cmd,
        }),
      );
      expect(said.text).toBe(
        `Not silenced, nothing was changed: Alertmanager at http://127.0.0.1:${deadPort} could not be reached (connection refused).`,
      );
      const { rows } = await t.db.query('SELECT count(*)::int AS n FROM silences');
      expect(rows[0]).toEqual({ n: 0 });
      await t.audit.flush();
      expect(await t.audit.list({ action: 'alert.silenced' })).toEqual([]);
    } finally {
      await t.close();
      await slack.close();
    }
  }, 90_000);
});
