import { loadConfig } from './config';
import { AppError } from './errors';

const problemsOf = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return ((e as AppError).details!.problems as { variable: string; message: string }[]).map(
      (p) => p.variable,
    );
  }
  throw new Error('expected CONFIG_INVALID');
};

describe('loadConfig', () => {
  it('starts in local mode with embedded storage when nothing is set', () => {
    const c = loadConfig({});
    expect(c.slack.mode).toBe('local');
    expect(c.port).toBe(3000);
    expect(c.databaseUrl).toBeUndefined();
    expect(c.redisUrl).toBeUndefined();
    expect(c.rulesDir).toBe('./rules');
    expect(c.webhook.bodyLimit).toBe(1024 * 1024);
    expect(Object.isFrozen(c.slack)).toBe(true);
  });

  it('chooses HTTP mode with a bot token and signing secret, Socket Mode with an app token', () => {
    const base = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', ALERTMANAGER_TOKEN: 'x'.repeat(16) };
    expect(loadConfig(base).slack.mode).toBe('http');
    expect(loadConfig({ ...base, SLACK_APP_TOKEN: 'xapp-1' }).slack.mode).toBe('socket');
  });

  it('lists every problem at once', () => {
    expect(
      problemsOf({
        PORT: 'eighty',
        LOG_LEVEL: 'loud',
        DATABASE_URL: 'mysql://x',
        SLACK_BOT_TOKEN: 'xoxp-1',
      }).sort(),
    ).toEqual([
      'ALERTMANAGER_TOKEN',
      'DATABASE_URL',
      'LOG_LEVEL',
      'PORT',
      'SLACK_BOT_TOKEN',
      'SLACK_SIGNING_SECRET',
    ]);
  });

  it('names missing secrets in the same run as malformed values', () => {
    expect(problemsOf({ SLACK_BOT_TOKEN: 'xoxb-1', PORT: 'eighty' }).sort()).toEqual([
      'ALERTMANAGER_TOKEN',
      'PORT',
      'SLACK_SIGNING_SECRET',
    ]);
  });

  it('refuses local mode when MOGO_REQUIRE_DATABASE=true and DATABASE_URL is unset', () => {
    expect(problemsOf({ MOGO_REQUIRE_DATABASE: 'true' })).toEqual(['DATABASE_URL']);
    expect(
      loadConfig({ MOGO_REQUIRE_DATABASE: 'true', DATABASE_URL: 'postgres://db/mogo' }).databaseUrl,
    ).toBe('postgres://db/mogo');
  });

  it('reads LOG_FORMAT and leaves it unset for the terminal check', () => {
    expect(loadConfig({}).logFormat).toBeUndefined();
    expect(loadConfig({ LOG_FORMAT: 'pretty' }).logFormat).toBe('pretty');
    expect(problemsOf({ LOG_FORMAT: 'colour' })).toEqual(['LOG_FORMAT']);
  });

  it('refuses Slack without a webhook token unless the operator opts out', () => {
    const slack = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' };
    expect(problemsOf(slack)).toEqual(['ALERTMANAGER_TOKEN']);
    expect(loadConfig({ ...slack, ALLOW_UNAUTHENTICATED_WEBHOOK: 'true' }).webhook.allowUnauthenticated).toBe(
      true,
    );
  });

  it('needs a signing secret in HTTP mode and a bot token for any Slack setting', () => {
    expect(problemsOf({ SLACK_BOT_TOKEN: 'xoxb-1', ALERTMANAGER_TOKEN: 'x'.repeat(16) })).toEqual([
      'SLACK_SIGNING_SECRET',
    ]);
    expect(problemsOf({ SLACK_SIGNING_SECRET: 's', ALERTMANAGER_TOKEN: 'x'.repeat(16) })).toEqual([
      'SLACK_BOT_TOKEN',
    ]);
  });

  it('runs the digest daily at 09:00 UTC by default; DIGEST_SCHEDULE=off disables it', () => {
    expect(loadConfig({}).digest).toEqual({ schedule: '0 9 * * *', timeZone: 'UTC' });
    expect(loadConfig({ DIGEST_SCHEDULE: '30 8 * * 1-5', DIGEST_TIME_ZONE: 'Europe/Berlin' }).digest).toEqual(
      {
        schedule: '30 8 * * 1-5',
        timeZone: 'Europe/Berlin',
      },
    );
    expect(loadConfig({ DIGEST_SCHEDULE: 'off' }).digest).toBeNull();
  });

  it('refuses a bad digest cron expression or time zone, naming both', () => {
    expect(problemsOf({ DIGEST_SCHEDULE: '0 25 * * *', DIGEST_TIME_ZONE: 'Mars/Olympus' }).sort()).toEqual([
      'DIGEST_SCHEDULE',
      'DIGEST_TIME_ZONE',
    ]);
    expect(problemsOf({ DIGEST_SCHEDULE: 'daily' })).toEqual(['DIGEST_SCHEDULE']);
    expect(() => loadConfig({ DIGEST_SCHEDULE: 'daily' })).toThrow(
      /DIGEST_SCHEDULE: must be a cron expression/,
    );
  });

  it('checks escalation every 30 s by default; a weekly report only with REPORT_CHANNELS (channel ids)', () => {
    expect(loadConfig({}).oncall).toEqual({ escalationSchedule: '*/30 * * * * *', weeklyReport: null });
    expect(loadConfig({ ESCALATION_SCHEDULE: 'off' }).oncall.escalationSchedule).toBeNull();
    expect(
      loadConfig({ REPORT_CHANNELS: 'C0123ABCD, C0456EFGH', REPORT_TIME_ZONE: 'Europe/Berlin' }).oncall
        .weeklyReport,
    ).toEqual({ channels: ['C0123ABCD', 'C0456EFGH'], schedule: '0 9 * * 1', timeZone: 'Europe/Berlin' });
    expect(
      problemsOf({
        REPORT_CHANNELS: '#ops',
        ESCALATION_SCHEDULE: 'often',
        REPORT_TIME_ZONE: 'Nowhere',
      }).sort(),
    ).toEqual(['ESCALATION_SCHEDULE', 'REPORT_CHANNELS', 'REPORT_TIME_ZONE']);
  });

  it("reads Alertmanager's API settings: bearer or basic, never both, never without a URL", () => {
    expect(loadConfig({}).alertmanager).toBeNull();
    const url = 'http://am:9093';
    expect(loadConfig({ ALERTMANAGER_URL: url, ALERTMANAGER_API_TOKEN: 't' }).alertmanager).toEqual({
      url,
      auth: { kind: 'bearer', token: 't' },
      pollMs: 30_000,
    });
    expect(
      loadConfig({ ALERTMANAGER_URL: url, ALERTMANAGER_API_USERNAME: 'u', ALERTMANAGER_API_PASSWORD: 'p' })
        .alertmanager?.auth,
    ).toEqual({ kind: 'basic', username: 'u', password: 'p' });
    expect(
      problemsOf({ ALERTMANAGER_URL: url, ALERTMANAGER_API_TOKEN: 't', ALERTMANAGER_API_USERNAME: 'u' }),
    ).toEqual(['ALERTMANAGER_API_TOKEN', 'ALERTMANAGER_API_PASSWORD']);
    expect(problemsOf({ ALERTMANAGER_API_TOKEN: 't', ALERTMANAGER_URL: 'ftp://x' })).toEqual([
      'ALERTMANAGER_URL',
    ]);
    expect(problemsOf({ ALERTMANAGER_API_TOKEN: 't' })).toEqual(['ALERTMANAGER_URL']);
  });

  it('says what was wrong in words, never echoing nothing', () => {
    expect(() => loadConfig({ PORT: '99999' })).toThrow(/PORT: .*99999/);
  });
});
