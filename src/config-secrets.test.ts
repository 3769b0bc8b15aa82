import { describeValue, loadConfig, redactUrl } from './config';
import { createLogger } from './logger';

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
    ['MIGRATION_DATABASE_URL', 'mysql://owner:ownerpass77@db/mogo', 'connection string of the owner role'],
    ['REDIS_URL', 'redis://:redispw31@cache:notaport', 'Redis connection string'],
    ['ALERTMANAGER_URL', 'ftp://am:ampass55@am:9093', "Alertmanager's API base"],
  ])('a bad %s says what is wrong, not the value', (variable, value, says) => {
    const text = problemsText({ [variable]: value, ALLOW_UNAUTHENTICATED_WEBHOOK: 'true' });
    expect(text).toContain(variable);
    expect(text).toContain(says);
    const secrets = ['1234567890', '12345', 's3cret', 'hunter2pass', 'redispass99', 'pa ss'];
    for (const secret of [...secrets, 'ownerpass77', 'redispw31', 'ampass55'])
      if (value.includes(secret)) expect(text).not.toContain(secret);
  });

  it('Alertmanager API credentials set in a wrong combination are named, never shown', () => {
    const text = problemsText({
      ALERTMANAGER_URL: 'http://am:9093',
      ALERTMANAGER_API_TOKEN: 'am-bearer-0123456789',
      ALERTMANAGER_API_PASSWORD: 'am-basic-pw-42',
    });
    expect(text).toContain('ALERTMANAGER_API_TOKEN: set either a bearer token');
    expect(text).toContain('ALERTMANAGER_API_USERNAME: basic auth to Alertmanager needs both');
    expect(text).not.toContain('am-bearer-0123456789');
    expect(text).not.toContain('am-basic-pw-42');
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

  it('a logged config shows none of its secrets', () => {
    const secrets = {
      SLACK_BOT_TOKEN: 'xoxb-bot-secret-1',
      SLACK_SIGNING_SECRET: 'signing-secret-2',
      ALERTMANAGER_TOKEN: 'webhook-token-secret-3',
      DATABASE_URL: 'postgres://app:dbpass4@db/mogo',
      MIGRATION_DATABASE_URL: 'postgres://owner:ownerpass5@db/mogo',
      REDIS_URL: 'redis://:redispass6@cache:6379',
      ALERTMANAGER_URL: 'http://am:9093',
      ALERTMANAGER_API_USERNAME: 'mogo',
      ALERTMANAGER_API_PASSWORD: 'ampass7',
    };
    const lines: string[] = [];
    const logger = createLogger('info', { write: (l: string) => void lines.push(l) });
    logger.info({ config: loadConfig(secrets) }, 'config');
    const out = lines.join('');
    expect(out).toContain('[redacted]');
    for (const s of ['secret-1', 'secret-2', 'secret-3', 'dbpass4', 'ownerpass5', 'redispass6', 'ampass7'])
      expect(out).not.toContain(s);
  });
});
