import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeSlack, startFakeSlack } from '../fakes/slack-server';
import { type AlertmanagerHandle, requireAlertmanager, startAlertmanager } from '../helpers/alertmanager';
import { readJson } from '../helpers/app-harness';
import { type BotProcess, freePort, startBot } from '../helpers/bot-process';
import { signSlackRequest, slashCommandBody } from '../helpers/slack-sign';

// a bot process and an Alertmanager on a loaded 2-core CI machine: the steps inside wait for conditions
jest.setTimeout(90_000);

const TOKEN = 'e2e-console-token-0123456789';
const SECRET = 'e2e-console-signing-secret';
const suite = requireAlertmanager() !== null ? describe : describe.skip;

/**
 * The console as `mogo serve` composes it (main.ts): ALERTMANAGER_URL, a silence by command, and the scheduled
 * poller noticing the silence expired in Alertmanager.
 */
suite('incident console, whole process, real Alertmanager', () => {
  let slack: FakeSlack;
  let am: AlertmanagerHandle;
  let bot: BotProcess | undefined;
  let dataDir: string;

  beforeAll(async () => {
    slack = await startFakeSlack();
    dataDir = await mkdtemp(join(tmpdir(), 'mogo-e2e-console-'));
  });
  afterAll(async () => {
    if (bot && bot.exitCode === null) await bot.stop();
    await am?.stop();
    await slack.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('silence by command, then expired in Alertmanager: the scheduled poller puts the message right', async () => {
    const port = await freePort();
    am = await startAlertmanager({
      webhookUrl: `http://127.0.0.1:${port}/webhooks/alertmanager`,
      token: TOKEN,
      groupBy: ['alertname'],
      groupWait: '0s',
    });
    bot = await startBot({
      PORT: String(port),
      SLACK_BOT_TOKEN: 'xoxb-e2e',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slack.url,
      ALERTMANAGER_TOKEN: TOKEN,
      ALERTMANAGER_URL: am.url,
      SILENCE_POLL_SECONDS: '5',
      DATA_DIR: dataDir,
    });
    await am.pushAlerts([{ labels: { alertname: 'QueueStuck', queue: 'billing', severity: 'critical' } }]);
    const posted = await slack.waitFor((c) => c.method === 'chat.postMessage', 30_000);
    const blocks = JSON.stringify(posted.body.blocks);
    const shortId = /id `([0-9a-f]{6})`/.exec(blocks)?.[1];
    expect(shortId).toBeDefined();

    const form = slashCommandBody({
      command: '/incident',
      text: `silence ${shortId} 1h "e2e"`,
      user_id: 'UOPS',
      channel_id: String(posted.response?.channel),
    });
    const res = await fetch(`${bot.url}/slack/events`, {
      method: 'POST',
      headers: signSlackRequest(SECRET, form),
      body: form,
    });
    expect((await readJson(res)).text).toMatch(/^:no_bell: Silenced the whole group for 1h/);
    const silences = (await (await fetch(`${am.url}/api/v2/silences`)).json()) as {
      id: string;
      status: { state: string };
      createdBy: string;
    }[];
    const active = silences.find((s) => s.status.state === 'active');
    expect(active?.createdBy).toBe('uops (UOPS)');
    const shows = (text: string, yes = true) =>
      slack.waitFor(
        (c) => c.method === 'chat.update' && JSON.stringify(c.body.blocks).includes(text) === yes,
        30_000,
      );
    await shows('Silenced by <@UOPS>');

    const before = slack.callsTo('chat.update').length;
    expect((await fetch(`${am.url}/api/v2/silence/${active!.id}`, { method: 'DELETE' })).status).toBe(200);
    await slack.waitFor(
      () =>
        slack.callsTo('chat.update').length > before &&
        !JSON.stringify(slack.callsTo('chat.update').at(-1)!.body.blocks).includes('Silenced by'),
      30_000,
    );
  });
});
