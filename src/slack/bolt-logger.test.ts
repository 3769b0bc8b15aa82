import { LogLevel } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { createLogger } from '../logger';
import { boltLogger, slackLogLevel } from './bolt-logger';

function capture(level = 'debug') {
  const lines: Record<string, any>[] = [];
  const raw: string[] = [];
  const logger = createLogger(level, {
    write: (line: string) => {
      raw.push(line);
      lines.push(JSON.parse(line));
    },
  });
  return { logger, lines, raw };
}

describe('boltLogger', () => {
  it("puts the Web API client's warnings into the JSON log, not the console", async () => {
    const { logger, lines } = capture();
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    const log = jest.spyOn(console, 'log').mockImplementation(() => {});
    try {
      const client = new WebClient('xoxb-test', {
        slackApiUrl: 'http://127.0.0.1:9/api/',
        logger: boltLogger(logger),
        retryConfig: { retries: 0 },
        timeout: 500,
      });
      await client.chat.postMessage({ channel: 'C1', blocks: [] } as never).catch(() => {});
      expect(warn).not.toHaveBeenCalled();
      expect(log).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
      log.mockRestore();
    }
    const line = lines.find((l) => l.level === 40 && /text/.test(l.msg));
    expect(line).toMatchObject({ module: 'bolt', service: 'mogo' });
  });

  it('an Error argument becomes err, with its stack', () => {
    const { logger, lines } = capture();
    boltLogger(logger).error('listener failed', new Error('boom'));
    expect(lines[0]).toMatchObject({ level: 50, msg: 'listener failed', err: { message: 'boom' } });
  });

  it('setLevel and getLevel are real; setName names the component and keeps the level', () => {
    const { logger, lines } = capture('debug');
    const bolt = boltLogger(logger);
    expect(bolt.getLevel()).toBe(LogLevel.DEBUG);
    bolt.setLevel(LogLevel.WARN);
    expect(bolt.getLevel()).toBe(LogLevel.WARN);
    bolt.info('hidden');
    bolt.setName('web-api:WebClient:0');
    bolt.info('hidden too');
    bolt.warn('shown');
    expect(lines.map((l) => l.msg)).toEqual(['shown']);
    expect(lines[0]?.component).toBe('web-api:WebClient:0');
    expect(slackLogLevel(createLogger('warn'))).toBe(LogLevel.WARN);
  });
});
