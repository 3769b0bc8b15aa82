import { Client } from 'pg';
import { type FakeSlack, startFakeSlack } from '../fakes/slack-server';
import { type AlertmanagerHandle, requireAlertmanager, startAlertmanager } from '../helpers/alertmanager';
import { type BotProcess, startBot } from '../helpers/bot-process';
import { POSTGRES_URL, REDIS_URL, randomName, requirePostgres, requireRedis } from '../helpers/services';

// a bot process starts (a first start creates its embedded database) on a 2-core CI machine shared with
// the rest of the suite: give it room, the assertions inside still wait for conditions, not for time
jest.setTimeout(90_000);

/**
 * The truest client there is: a real Alertmanager 0.25 on loopback pushes to the bot (a separate process on
 * real PostgreSQL and Redis), which posts to a fake Slack. Fire -> one message; resolve -> the same message,
 * resolved.
 */
const TOKEN = 'am-e2e-webhook-token-0123456789';
const haveAll = requireAlertmanager() !== null && requirePostgres() && requireRedis();
const suite = haveAll ? describe : describe.skip;

suite('real Alertmanager -> mogo -> Slack', () => {
  let slack: FakeSlack;
  let bot: BotProcess;
  let am: AlertmanagerHandle;
  const schema = randomName('mogo_am_e2e');

  beforeAll(async () => {
    const admin = new Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.end();
    slack = await startFakeSlack();
    const databaseUrl = `${POSTGRES_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    bot = await startBot({
      SLACK_BOT_TOKEN: 'xoxb-am-e2e',
      SLACK_SIGNING_SECRET: 'secret',
      SLACK_API_URL: slack.url,
      ALERTMANAGER_TOKEN: TOKEN,
      DATABASE_URL: databaseUrl,
      REDIS_URL: `${REDIS_URL}/0`,
    });
    am = await startAlertmanager({
      webhookUrl: `${bot.url}/webhooks/alertmanager`,
      token: TOKEN,
      groupWait: '1s',
      groupInterval: '1s',
    });
  });

  afterAll(async () => {
    await am?.stop();
    if (bot && bot.exitCode === null) await bot.stop();
    await slack?.close();
    const admin = new Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.end();
  });

  it('fire -> one message; resolve -> the same message shows resolved', async () => {
    const alerts = ['db-1', 'db-2'].map((instance) => ({
      labels: { alertname: 'DiskFull', cluster: 'prod', instance, severity: 'critical' },
      annotations: {
        summary: `disk full on ${instance}`,
        runbook_url: 'https://runbooks.example.test/DiskFull',
      },
    }));
    await am.pushAlerts(alerts);

    const posted = await slack.waitFor((c) => c.method === 'chat.postMessage', 15_000);
    const ts = posted.response?.ts as string;
    expect(JSON.stringify(posted.body.blocks)).toContain('db-2');
    expect(String(posted.body.text)).toMatch(/DiskFull/);

    await am.resolveAlerts(alerts);
    const resolved = await slack.waitFor(
      (c) => c.method === 'chat.update' && JSON.stringify(c.body.blocks).includes('RESOLVED'),
      15_000,
    );
    expect(resolved.body.ts).toBe(ts);
    expect(JSON.stringify(resolved.body.blocks)).toContain('db-1');
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
  });
});
