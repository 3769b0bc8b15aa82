import { LogLevel, WebClient } from '@slack/web-api';
import { type FakeSlack, startFakeSlack } from './slack-server';

const client = (url: string) =>
  new WebClient('xoxb-test-token', {
    slackApiUrl: url,
    retryConfig: { retries: 0 },
    logLevel: LogLevel.ERROR,
  });

/** Slack's error string of a refused call. */
const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { data?: { error?: string } }) => e.data?.error,
  );

describe('fake conversations.list', () => {
  it('pages channels with next_cursor, shows who made each, leaves out what the bot may not see', async () => {
    const limited = await startFakeSlack({ listPageMax: 2, limits: false });
    const c = client(limited.url);
    try {
      await c.conversations.create({ name: 'inc-1-a' });
      limited.addChannel('general', 'UALICE');
      limited.addChannel('old', 'UALICE', { archived: true });
      limited.addChannel('secret', 'UALICE', { private: true });
      await c.conversations.create({ name: 'inc-2-b', is_private: true });
      const names: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const r = await c.conversations.list({
          types: 'public_channel,private_channel',
          exclude_archived: true,
          limit: 999,
          ...(cursor ? { cursor } : {}),
        });
        pages++;
        names.push(...r.channels!.map((ch) => `${ch.name}:${ch.creator}`));
        cursor = r.response_metadata?.next_cursor || undefined;
      } while (cursor);
      expect(names).toEqual(['inc-1-a:UBOT', 'general:UALICE', 'inc-2-b:UBOT']);
      expect(pages).toBe(2);
      // by default public channels only, archived ones too
      const first = await c.conversations.list({});
      const second = await c.conversations.list({ cursor: first.response_metadata!.next_cursor! });
      expect([...first.channels!, ...second.channels!].map((ch) => ch.name)).toEqual([
        'inc-1-a',
        'general',
        'old',
      ]);
      expect(second.response_metadata?.next_cursor).toBe('');
      expect(await errorOf(c.conversations.list({ cursor: 'bogus' }))).toBe('invalid_cursor');
      expect(await errorOf(c.conversations.list({ limit: 1001 }))).toBe('invalid_limit');
    } finally {
      await limited.close();
    }
  });

  it('is Tier 2: the 4th quick call bounces', async () => {
    const fake: FakeSlack = await startFakeSlack();
    const c = client(fake.url);
    for (let i = 0; i < 4; i++) await c.conversations.list({}).catch(() => {});
    expect(fake.callsTo('conversations.list').map((call) => call.status)).toEqual([200, 200, 200, 429]);
    await fake.close();
  });
});
