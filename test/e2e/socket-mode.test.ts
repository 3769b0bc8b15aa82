import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeSlack, startFakeSlack } from '../fakes/slack-server';
import { type FakeSocketMode, startFakeSocketMode } from '../fakes/socket-mode-server';
import { readJson } from '../helpers/app-harness';
import { type BotProcess, startBot } from '../helpers/bot-process';
import { blockActionPayload, slashCommandBody, TEAM } from '../helpers/slack-sign';

// a bot process starts (a first start creates its embedded database) on a 2-core CI machine shared with
// the rest of the suite: give it room, the assertions inside still wait for conditions, not for time
jest.setTimeout(90_000);

/**
 * The bot as a process in Socket Mode (SLACK_APP_TOKEN set): it asks the fake Web API (SLACK_API_URL) for a
 * socket URL with its app token, connects to the fake Socket Mode server, and receives button clicks and slash
 * commands as envelopes it must ack over the socket. No public HTTP endpoint is involved.
 */
const TOKEN = 'e2e-socket-webhook-token-0123456789';
const APP_TOKEN = 'xapp-1-A0MOGO-1-e2e';
const body = readFileSync(join(__dirname, '../fixtures/alertmanager/firing-3-alerts.json'), 'utf8');

describe('mogo serve in Socket Mode', () => {
  let slack: FakeSlack;
  let socket: FakeSocketMode;
  let bot: BotProcess | undefined;
  let dataDir: string;

  beforeAll(async () => {
    socket = await startFakeSocketMode();
    slack = await startFakeSlack({ socketModeUrl: socket.wsUrl });
    dataDir = await mkdtemp(join(tmpdir(), 'mogo-e2e-socket-'));
  });
  afterAll(async () => {
    if (bot && bot.exitCode === null) await bot.stop();
    await socket.close();
    await slack.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('connects with the app token, acks a button click, a slash command and envelopes with no listener over the socket', async () => {
    bot = await startBot({
      SLACK_BOT_TOKEN: 'xoxb-e2e-socket',
      SLACK_APP_TOKEN: APP_TOKEN,
      SLACK_API_URL: slack.url,
      ALERTMANAGER_TOKEN: TOKEN,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
    });

    // The socket URL came from the fake Web API, asked with the app-level token (not from slack.com).
    const running = bot;
    await socket.connected(15_000).catch((err: Error) => {
      throw new Error(`${err.message}\n${running.rawLogs().slice(-20).join('\n')}\n${running.stderr()}`);
    });
    const open = slack.callsTo('apps.connections.open');
    expect(open.length).toBeGreaterThanOrEqual(1);
    expect(open[0].token).toBe(APP_TOKEN);
    expect(open[0].response).toEqual({ ok: true, url: socket.wsUrl });

    // Socket Mode: no HTTP endpoint for Slack.
    const events = await fetch(`${bot.url}/slack/events`, { method: 'POST', body: '' });
    expect(events.status).toBe(404);

    const res = await fetch(`${bot.url}/webhooks/alertmanager`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body,
    });
    expect(res.status).toBe(200);
    const { groupId } = await readJson(res);

    const posted = await slack.waitFor((c) => c.method === 'chat.postMessage', 10_000);
    expect(posted.token).toBe('xoxb-e2e-socket');
    expect(String(posted.body.text)).toContain('HighLatency');
    const ts = posted.response?.ts as string;
    const channel = posted.response?.channel as string;

    // Acknowledge, clicked in Slack: an `interactive` envelope carrying the block_actions payload.
    socket.send({
      envelope_id: 'env-ack-1',
      type: 'interactive',
      payload: blockActionPayload({ user: 'U0ONCALL', channel, ts, actionId: 'mogo_ack', value: groupId }),
      accepts_response_payload: false,
    });
    const ack = await socket.waitForAck('env-ack-1', 5_000);
    expect(ack).toEqual({ envelope_id: 'env-ack-1', payload: {} });

    const updated = await slack.waitFor((c) => c.method === 'chat.update', 10_000);
    expect(updated.body.ts).toBe(ts);
    expect(updated.body.channel).toBe(channel);
    expect(JSON.stringify(updated.body.blocks)).toContain('U0ONCALL');
    expect(JSON.stringify(updated.body.blocks)).toContain('mogo_unack');

    // `/incident status`: a `slash_commands` envelope; the ephemeral answer travels back in the ack's payload.
    const command = Object.fromEntries(
      new URLSearchParams(
        slashCommandBody({ command: '/incident', text: 'status', user_id: 'U0ONCALL', channel_id: channel }),
      ),
    );
    socket.send({
      envelope_id: 'env-cmd-1',
      type: 'slash_commands',
      payload: command,
      accepts_response_payload: true,
    });
    const answer = await socket.waitForAck('env-cmd-1', 5_000);
    expect(answer.payload).toMatchObject({ response_type: 'ephemeral', text: '1 open alert group' });
    const shown = JSON.stringify(answer.payload?.blocks);
    expect(shown).toContain('HighLatency');
    expect(shown).toContain('acked by <@U0ONCALL>');

    // Envelopes mogo has no listener for still get their ack within Slack's 3 s, or the user sees an error.
    const unknown = [
      {
        envelope_id: 'env-unknown-action',
        type: 'interactive',
        payload: blockActionPayload({ user: 'U0ONCALL', channel, ts, actionId: 'mogo_nope', value: groupId }),
      },
      {
        envelope_id: 'env-unknown-shortcut',
        type: 'interactive',
        payload: {
          type: 'shortcut',
          callback_id: 'nope',
          trigger_id: 't-1',
          user: { id: 'U0ONCALL', team_id: TEAM.id },
          team: TEAM,
        },
      },
    ];
    for (const envelope of unknown) {
      const started = Date.now();
      socket.send({ ...envelope, accepts_response_payload: false });
      const answered = await socket.waitForAck(envelope.envelope_id, 3_000);
      expect(answered).toEqual({ envelope_id: envelope.envelope_id, payload: {} });
      expect(Date.now() - started).toBeLessThan(3_000);
    }

    // Every envelope acked exactly once, and the one connection survived the whole exchange.
    expect(socket.acks.map((a) => a.envelope_id)).toEqual([
      'env-ack-1',
      'env-cmd-1',
      'env-unknown-action',
      'env-unknown-shortcut',
    ]);
    expect(socket.connections).toBe(1);
    expect(await bot.stop()).toBe(0);
    // Bolt's, the Socket Mode client's and the Web API client's loggers write through pino (issue 9, item 7)
    expect(bot.rawLogs().filter((l) => l.trim() !== '' && !l.startsWith('{'))).toEqual([]);
    expect(bot.stderr().trim()).toBe('received SIGTERM'); // mogo's own word on stopping, nothing else
  }, 60_000);
});
