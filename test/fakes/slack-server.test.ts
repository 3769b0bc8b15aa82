import { ErrorCode, LogLevel, WebClient, type WebClientOptions } from '@slack/web-api';
import { type FakeSlack, startFakeSlack } from './slack-server';

const TOKEN = 'xoxb-test-token';
const BLOCKS = [{ type: 'section', text: { type: 'mrkdwn', text: '*HighLatency* firing' } }];

let fake: FakeSlack;

beforeEach(async () => {
  fake = await startFakeSlack({ usergroups: { SSRE: ['UALICE', 'UBOB'] } });
});
afterEach(async () => {
  await fake.close();
});

function client(token: string | undefined = TOKEN, opts: WebClientOptions = {}): WebClient {
  return new WebClient(token, {
    slackApiUrl: fake.url,
    retryConfig: { retries: 0 },
    logLevel: LogLevel.ERROR,
    ...opts,
  });
}

/** The fields @slack/web-api errors carry, by kind (platform: data.error; rate-limited: retryAfter; HTTP: statusCode). */
interface SlackClientError {
  code: string;
  data: { error: string };
  retryAfter: number;
  statusCode: number;
}

/** The rejection of `p`, for asserting on Slack's error fields. */
async function rejectionOf(p: Promise<unknown>): Promise<SlackClientError> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: SlackClientError) => e,
  );
}

describe('fake Slack Web API', () => {
  it('answers auth.test with the bot identity', async () => {
    const res = await client().auth.test();

    expect(res).toMatchObject({ ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T0001', user: 'mogo' });
    expect(fake.callsTo('auth.test')[0]!.token).toBe(TOKEN);
  });

  it('posts to a channel name, answering a stable channel id and increasing ts', async () => {
    const first = await client().chat.postMessage({ channel: '#alerts', text: 'one', blocks: BLOCKS });
    const second = await client().chat.postMessage({ channel: '#alerts', text: 'two' });

    expect(first.channel).toMatch(/^C[0-9A-F]{10}$/);
    expect(second.channel).toBe(first.channel);
    expect(first.channel).toBe(fake.channelId('#alerts'));
    expect(first.ts).toBe('1700000000.000100');
    expect(second.ts).toBe('1700000000.000200');
    expect(fake.callsTo('chat.postMessage')[0]!.body).toMatchObject({
      channel: '#alerts',
      text: 'one',
      blocks: BLOCKS,
    });
    expect(fake.messages[0]).toMatchObject({
      channel: first.channel,
      channelName: 'alerts',
      text: 'one',
      blocks: BLOCKS,
    });
  });

  it('applies chat.update to the recorded message', async () => {
    const posted = await client().chat.postMessage({ channel: '#alerts', text: 'firing', blocks: BLOCKS });
    const newBlocks = [{ type: 'section', text: { type: 'mrkdwn', text: 'acked' } }];

    const res = await client().chat.update({
      channel: posted.channel!,
      ts: posted.ts!,
      text: 'acked',
      blocks: newBlocks,
    });

    expect(res).toMatchObject({ ok: true, channel: posted.channel, ts: posted.ts });
    expect(fake.message(posted.channel!, posted.ts!)).toMatchObject({
      text: 'acked',
      blocks: newBlocks,
      updates: 1,
    });
    expect(fake.messages).toHaveLength(1);
  });

  it('answers message_not_found for an unknown ts', async () => {
    const e = await rejectionOf(client().chat.update({ channel: 'C0000000001', ts: '1.000000', text: 'x' }));

    expect(e.code).toBe(ErrorCode.PlatformError);
    expect(e.data.error).toBe('message_not_found');
  });

  it('answers an injected ratelimit with HTTP 429 and Retry-After, surfacing as a rate-limited error', async () => {
    fake.failNext('chat.postMessage', { error: 'ratelimited', retryAfter: 7 });

    const e = await rejectionOf(
      client(TOKEN, { rejectRateLimitedCalls: true }).chat.postMessage({ channel: '#alerts', text: 'x' }),
    );

    expect(e.code).toBe(ErrorCode.RateLimitedError);
    expect(e.retryAfter).toBe(7);
    expect(fake.callsTo('chat.postMessage')[0]).toMatchObject({ status: 429 });
    expect(fake.messages).toHaveLength(0);
  });

  it('fails only the next call, so a retrying client gets through', async () => {
    fake.failNext('chat.postMessage', { error: 'ratelimited', retryAfter: 0 });
    const retrying = client(TOKEN, { retryConfig: { retries: 1, minTimeout: 0, maxTimeout: 0 } });

    const res = await retrying.chat.postMessage({ channel: '#alerts', text: 'x' });

    expect(res.ok).toBe(true);
    expect(fake.callsTo('chat.postMessage').map((c) => c.status)).toEqual([429, 200]);
  });

  it('injects HTTP errors and Slack error strings', async () => {
    fake.failNext('chat.postMessage', { status: 500 });
    fake.failNext('chat.postMessage', { error: 'channel_not_found' });

    const http = await rejectionOf(client().chat.postMessage({ channel: '#alerts', text: 'x' }));
    const platform = await rejectionOf(client().chat.postMessage({ channel: '#alerts', text: 'x' }));

    expect(http).toMatchObject({ code: ErrorCode.HTTPError, statusCode: 500 });
    expect(platform.data.error).toBe('channel_not_found');
  });

  it('rejects a missing token with not_authed and an unknown one with invalid_auth', async () => {
    const strict = await startFakeSlack({ tokens: ['xoxb-good'] });
    try {
      const missing = await rejectionOf(client('').auth.test());
      const bad = await rejectionOf(
        new WebClient('xoxb-bad', { slackApiUrl: strict.url, retryConfig: { retries: 0 } }).auth.test(),
      );

      expect(missing.data.error).toBe('not_authed');
      expect(bad.data.error).toBe('invalid_auth');
    } finally {
      await strict.close();
    }
  });

  it('answers unknown_method for a method it does not implement', async () => {
    const e = await rejectionOf(client().apiCall('reactions.add', { name: 'eyes' }));

    expect(e.data.error).toBe('unknown_method');
  });

  it('accepts JSON bodies with a bearer token', async () => {
    const res = await fetch(`${fake.url}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ channel: 'C0000000001', blocks: BLOCKS }),
    });

    expect(await res.json()).toMatchObject({ ok: true, channel: 'C0000000001' });
    expect(fake.callsTo('chat.postMessage')[0]!.body.blocks).toEqual(BLOCKS);
  });

  it('refuses blocks Slack would refuse', async () => {
    const tooMany = Array.from({ length: 51 }, () => BLOCKS[0]!);
    const tooLong = [{ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3001) } }];

    for (const blocks of [tooMany, tooLong]) {
      const e = await rejectionOf(client().chat.postMessage({ channel: '#alerts', text: 'x', blocks }));
      expect(e.data.error).toBe('invalid_blocks');
    }
  });

  it('answers the lookups the bot makes', async () => {
    const c = client();
    const id = fake.channelId('#alerts');

    expect((await c.conversations.info({ channel: id })).channel).toMatchObject({ id, name: 'alerts' });
    expect((await c.users.info({ user: 'UALICE' })).user).toMatchObject({
      id: 'UALICE',
      name: 'user-ualice',
    });
    expect((await c.usergroups.users.list({ usergroup: 'SSRE' })).users).toEqual(['UALICE', 'UBOB']);
    expect((await rejectionOf(c.usergroups.users.list({ usergroup: 'SNONE' }))).data.error).toBe(
      'no_such_subteam',
    );
    expect((await c.chat.postEphemeral({ channel: id, user: 'UALICE', text: 'hi' })).message_ts).toMatch(
      /^\d+\.\d{6}$/,
    );
    const view = {
      type: 'modal' as const,
      title: { type: 'plain_text' as const, text: 'Roll back' },
      blocks: [],
    };
    expect((await c.views.open({ trigger_id: '1.2.abc', view })).view).toMatchObject({ type: 'modal' });
    expect(fake.callsTo('views.open')[0]!.body.view).toEqual(view);
  });

  it('delays a method and lets a test wait for the call', async () => {
    fake.delay('chat.postMessage', 200);
    const started = Date.now();

    const pending = client().chat.postMessage({ channel: '#alerts', text: 'slow' });
    const call = await fake.waitFor((c) => c.method === 'chat.postMessage');

    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(call.body.text).toBe('slow');
    await pending;
    await expect(fake.waitFor((c) => c.method === 'chat.update', 50)).rejects.toThrow(
      /no matching call within 50ms/,
    );
  });

  it('records posts to a response_url', async () => {
    await fetch(fake.responseUrl('act-1'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ replace_original: false, text: 'Rollback started' }),
    });

    expect(fake.callsTo('response_url')[0]).toMatchObject({
      path: '/respond/act-1',
      body: { text: 'Rollback started' },
    });
  });

  it('forgets everything on reset() but never reuses a ts', async () => {
    const before = await client().chat.postMessage({ channel: '#alerts', text: 'x' });
    fake.failNext('chat.postMessage', { status: 500 });

    fake.reset();
    const after = await client().chat.postMessage({ channel: '#alerts', text: 'y' });

    expect(fake.calls).toHaveLength(1);
    expect(fake.messages.map((m) => m.text)).toEqual(['y']);
    expect(Number(after.ts)).toBeGreaterThan(Number(before.ts));
  });

  it('enforces Slack limits by default: a 4th post into one channel within a second is answered 429', async () => {
    const c = client(TOKEN, { rejectRateLimitedCalls: true });
    for (const text of ['1', '2', '3']) await c.chat.postMessage({ channel: '#alerts', text });

    const e = await rejectionOf(c.chat.postMessage({ channel: '#alerts', text: '4' }));
    const other = await c.chat.postMessage({ channel: '#other', text: 'fine' });

    expect(e.code).toBe(ErrorCode.RateLimitedError);
    expect(e.retryAfter).toBe(1);
    expect(other.ok).toBe(true);
    expect(fake.messages.map((m) => m.text)).toEqual(['1', '2', '3', 'fine']);
    expect(fake.calls.map((call) => call.rateLimited)).toEqual([false, false, false, true, false]);
    expect(fake.rateLimited()).toBe(1);
    expect(fake.rateLimitedByMethod()).toEqual({ 'chat.postMessage': 1 });
  });

  it('answers 429 with a Retry-After header in whole seconds', async () => {
    const res = [];
    for (let i = 0; i < 4; i++) {
      res.push(
        await fetch(`${fake.url}chat.postMessage`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify({ channel: 'C0000000001', text: 'x' }),
        }),
      );
    }
    const last = res[3]!;

    expect(last.status).toBe(429);
    expect(last.headers.get('retry-after')).toBe('1');
    expect(await last.json()).toEqual({ ok: false, error: 'ratelimited', retry_after: 1 });
  });

  it('drops all limits with limits: false and one method’s with an override', async () => {
    const open = await startFakeSlack({ limits: false });
    const loose = await startFakeSlack({ limits: { 'chat.postMessage': { perMinute: 600, burst: 20 } } });
    try {
      for (const f of [open, loose]) {
        const c = new WebClient(TOKEN, { slackApiUrl: f.url, retryConfig: { retries: 0 } });
        for (let i = 0; i < 10; i++) await c.chat.postMessage({ channel: '#alerts', text: String(i) });
        expect(f.rateLimited()).toBe(0);
      }
    } finally {
      await Promise.all([open.close(), loose.close()]);
    }
  });

  it('records incoming-webhook posts as messages and limits them to about 1 per second', async () => {
    const post = (body: unknown): Promise<Response> =>
      fetch(fake.webhookUrl(), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const attachments = [{ title: '[FIRING:2] HighLatency', text: 'two alerts' }];

    const first = await post({ channel: '#alerts', username: 'alertmanager', attachments });
    await post({ text: 'no channel' });
    const third = await post({ channel: '#alerts', text: 'too fast' });

    expect(first.status).toBe(200);
    expect(await first.text()).toBe('ok');
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(fake.messages).toEqual([
      expect.objectContaining({ channel: fake.channelId('#alerts'), attachments, viaWebhook: true }),
      expect.objectContaining({ channelName: 'incoming-webhook', text: 'no channel' }),
    ]);
    expect(fake.callsTo('incoming-webhook').map((c) => c.status)).toEqual([200, 200, 429]);
    expect(fake.rateLimited('incoming-webhook')).toBe(1);
  });
});
