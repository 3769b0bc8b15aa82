import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPgliteDb } from '../../src/store/embedded/pglite-db';
import { type FakeSlack, startFakeSlack } from '../fakes/slack-server';
import { readJson } from '../helpers/app-harness';
import { type BotProcess, startBot } from '../helpers/bot-process';
import { blockActionPayload, interactionBody, signSlackRequest } from '../helpers/slack-sign';

// a bot process starts (a first start creates its embedded database) on a 2-core CI machine shared with
// the rest of the suite: give it room, the assertions inside still wait for conditions, not for time
jest.setTimeout(90_000);

/**
 * The whole bot as a separate process, started exactly as `npm start` starts it (embedded PostgreSQL, in-process
 * state), driven the way Alertmanager and Slack drive it.
 */
const TOKEN = 'e2e-webhook-token-0123456789';
const SECRET = 'e2e-signing-secret';
const body = readFileSync(join(__dirname, '../fixtures/alertmanager/firing-3-alerts.json'), 'utf8');

describe('mogo serve as a process', () => {
  let slack: FakeSlack;
  let bot: BotProcess | undefined;
  let dataDir: string;

  beforeAll(async () => {
    slack = await startFakeSlack();
    dataDir = await mkdtemp(join(tmpdir(), 'mogo-e2e-'));
  });
  afterAll(async () => {
    if (bot && bot.exitCode === null) await bot.stop();
    await slack.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('webhook -> Slack message -> Acknowledge -> message updated -> audit rows', async () => {
    bot = await startBot({
      SLACK_BOT_TOKEN: 'xoxb-e2e',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slack.url,
      ALERTMANAGER_TOKEN: TOKEN,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
    });

    const res = await fetch(`${bot.url}/webhooks/alertmanager`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body,
    });
    expect(res.status).toBe(200);
    const { groupId } = await readJson(res);

    const posted = await slack.waitFor((c) => c.method === 'chat.postMessage', 10_000);
    expect(posted.body.channel).toBe('#alerts-critical');
    const ts = posted.response?.ts as string;
    const channel = posted.response?.channel as string;
    expect(String(posted.body.text)).toContain('HighLatency');

    const payload = blockActionPayload({
      user: 'U0ONCALL',
      channel,
      ts,
      actionId: 'mogo_ack',
      value: groupId,
    });
    const form = interactionBody(payload);
    const click = await fetch(`${bot.url}/slack/events`, {
      method: 'POST',
      headers: signSlackRequest(SECRET, form),
      body: form,
    });
    expect(click.status).toBe(200);

    const updated = await slack.waitFor((c) => c.method === 'chat.update', 10_000);
    expect(updated.body.ts).toBe(ts);
    expect(JSON.stringify(updated.body.blocks)).toContain('U0ONCALL');
    expect(JSON.stringify(updated.body.blocks)).toContain('mogo_unack');

    const forged = await fetch(`${bot.url}/slack/events`, {
      method: 'POST',
      headers: signSlackRequest('wrong-secret', form),
      body: form,
    });
    expect(forged.status).toBe(401);

    expect(await bot.stop()).toBe(0);

    const db = await createPgliteDb({ dataDir });
    try {
      const { rows } = await db.query<{ action: string; actor: string }>(
        'select action, actor from audit_log order by id',
      );
      expect(rows.map((r) => r.action)).toEqual(
        expect.arrayContaining(['alert.received', 'alert.notified', 'alert.acknowledged']),
      );
      expect(rows.find((r) => r.action === 'alert.acknowledged')?.actor).toBe('U0ONCALL');
      expect(rows.filter((r) => r.action === 'alert.notified')).toHaveLength(2);
    } finally {
      await db.close();
    }
  });

  it('refuses to start on bad configuration, listing every problem', async () => {
    await expect(startBot({ PORT: 'x', SLACK_BOT_TOKEN: 'nope', DATA_DIR: dataDir })).rejects.toThrow(
      /PORT[\s\S]*SLACK_BOT_TOKEN/,
    );
  });
});
