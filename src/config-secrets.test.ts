import { describeValue, loadConfig, redactUrl } from './config';

function problemsText(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (e) {
    return `${(e as Error).message}\n${JSON.stringify((e as { details?: unknown }).details)}`;
  }
  throw new Error('expected CONFIG_INVALID');
}

describe('configuration errors never print secrets', () => {
  it.each([
    ['SLACK_BOT_TOKEN', 'xoxp-user-token-1234567890', 'must be a bot token'],
    ['SLACK_APP_TOKEN', 'xoxb-not-an-app-token-12345', 'must be an app-level token'],
    ['ALERTMANAGER_TOKEN', 'short-s3cret', 'at least 16 characters'],
    ['DATABASE_URL', 'mysql://mogo:hunter2pass@db.internal/mogo', 'PostgreSQL connection string'],
    ['REDIS_URL', 'http://:redispass99@cache:6379', 'Redis connection string'],
    ['DATABASE_URL', 'postgres://mogo:pa ss@[broken', 'PostgreSQL connection string'],
  ])('a bad %s says what is wrong, not the value', (variable, value, says) => {
    const text = problemsText({ [variable]: value, ALLOW_UNAUTHENTICATED_WEBHOOK: 'true' });
    expect(text).toContain(variable);
    expect(text).toContain(says);
    for (const secret of ['1234567890', '12345', 's3cret', 'hunter2pass', 'redispass99', 'pa ss'])
      if (value.includes(secret)) expect(text).not.toContain(secret);
  });

  it('a URL is shown with its password redacted, so the rest can still be checked', () => {
    const text = problemsText({ DATABASE_URL: 'mysql://mogo:hunter2pass@db.internal/mogo' });
    expect(text).toContain('mysql://mogo:***@db.internal/mogo');
    expect(redactUrl('postgres://u@h/db?sslpassword=x&password=y&sslmode=require')).toBe(
      'postgres://u@h/db?sslpassword=***&password=***&sslmode=require',
    );
  });

  it('other values are still shown', () => {
    expect(describeValue('LOG_LEVEL', 'loud')).toBe('"loud"');
    expect(describeValue('SLACK_SIGNING_SECRET', 'abc')).toBe('a value of 3 characters, not shown');
  });
});
