import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeSlack, startFakeSlack } from '../fakes/slack-server';
import { type BotProcess, startBot } from '../helpers/bot-process';
import { interactionBody, signSlackRequest, viewSubmissionPayload } from '../helpers/slack-sign';

// two bot starts on a loaded 2-core CI machine; the assertions wait for conditions, not for time
jest.setTimeout(120_000);

const SECRET = 'e2e-signing-secret';

/**
 * Incident set-up survives the process being killed between steps: the steps are recorded in the database, so
 * the next process goes on from the one that was interrupted, and nothing Slack already has is made again,
 * not even a channel Slack made whose answer mogo never recorded.
 */
describe('incident set-up after a SIGKILL', () => {
  let slack: FakeSlack;
  let bot: BotProcess | undefined;
  let dataDir: string;
  const env = () => ({
    SLACK_BOT_TOKEN: 'xoxb-e2e',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slack.url,
    ALERTMANAGER_TOKEN: 'e2e-webhook-token-0123456789',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
  });

  /** The declare dialog submitted by ULEAD (no alert), as Slack posts it. */
  async function declare(title: string, severity: string): Promise<void> {
    const view = {
      callback_id: 'mogo_incident_declare_modal',
      private_metadata: JSON.stringify({ channel: 'CGENERAL' }),
      state: {
        values: {
          incident_title: { value: { type: 'plain_text_input', value: title } },
          incident_severity: { value: { type: 'static_select', selected_option: { value: severity } } },
          incident_lead: { value: { type: 'users_select', selected_user: 'ULEAD' } },
        },
      },
    };
    const form = interactionBody(viewSubmissionPayload({ user: 'ULEAD', view }));
    const res = await fetch(`${bot!.url}/slack/events`, {
      method: 'POST',
      headers: signSlackRequest(SECRET, form),
      body: form,
    });
    expect(res.status).toBe(200);
  }

  beforeAll(async () => {
    slack = await startFakeSlack();
    slack.addChannel('general', 'UALICE');
    dataDir = await mkdtemp(join(tmpdir(), 'mogo-e2e-incident-'));
  });
  afterAll(async () => {
    if (bot && bot.exitCode === null) await bot.stop();
    await slack.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('is killed after the channel was made and resumes in the next process without making it again', async () => {
    // the invitation is answered 429: the step waits for Retry-After, and the process is killed meanwhile
    slack.failNext('conversations.invite', { error: 'ratelimited', retryAfter: 5 });
    bot = await startBot(env(), { readyTimeoutMs: 60_000 });
    await declare('Payments down', 'SEV1');

    await slack.waitFor((c) => c.method === 'conversations.invite' && c.rateLimited, 60_000);
    await bot.stop('SIGKILL');
    const channel = slack.channel('inc-1-payments-down')!;
    expect(channel.topic).toContain('SEV1');
    expect(channel.members.has('ULEAD')).toBe(false);
    expect(slack.callsTo('pins.add')).toHaveLength(0);

    bot = await startBot(env(), { readyTimeoutMs: 60_000 });
    await slack.waitFor((c) => c.method === 'pins.add' && c.response?.ok === true, 60_000);
    expect(channel.members.has('ULEAD')).toBe(true);
    expect(slack.callsTo('conversations.create')).toHaveLength(1);
    expect(slack.callsTo('chat.postMessage').filter((c) => c.body.channel === channel.id)).toHaveLength(1);
    expect(channel.pins.size).toBe(1);
  });

  it('Slack made the channel but its answer was lost, then the process died: the next one keeps it', async () => {
    slack.failNext('conversations.create', { status: 504, handled: true });
    await declare('Checkout down', 'SEV2');
    const lost = await slack.waitFor((c) => c.method === 'conversations.create' && c.status === 504, 60_000);
    await bot!.stop('SIGKILL');
    // numbered 2 though the first process was killed: numbers come from the incidents, not a sequence (which would
    // have skipped the values it cached)
    const name = String(lost.body.name);
    expect(name).toBe('inc-2-checkout-down');
    const channel = slack.channel(name)!;
    expect(channel.creator).toBe('UBOT');

    bot = await startBot(env(), { readyTimeoutMs: 60_000 });
    await slack.waitFor((c) => c.method === 'pins.add' && c.body.channel === channel.id, 60_000);
    expect(channel.members.has('ULEAD')).toBe(true);
    expect(slack.channel(`${name}-2`)).toBeUndefined();
    expect(slack.callsTo('conversations.list').length).toBeGreaterThan(0);
    expect(slack.callsTo('chat.postMessage').filter((c) => c.body.channel === channel.id)).toHaveLength(1);
  });
});
