import { LogLevel, type Logger as SlackLogger } from '@slack/bolt';
import type { Logger } from '../logger';

const TO_SLACK: Record<string, LogLevel> = {
  trace: LogLevel.DEBUG,
  debug: LogLevel.DEBUG,
  info: LogLevel.INFO,
  warn: LogLevel.WARN,
  error: LogLevel.ERROR,
  fatal: LogLevel.ERROR,
  silent: LogLevel.ERROR,
};

/**
 * mogo's log level in Slack's terms. Pass it as Bolt's `logLevel`: Bolt sets its logger to INFO unless told,
 * which would hide mogo's debug lines from Bolt (or show info lines under LOG_LEVEL=warn).
 */
export function slackLogLevel(logger: Logger): LogLevel {
  return TO_SLACK[logger.level] ?? LogLevel.INFO;
}

/**
 * Bolt, Socket Mode and the Web API client log through mogo's pino logger, so there is one log stream in one
 * format (their default ConsoleLogger prints "[WARN] web-api:…" lines into the JSON log). An Error among the
 * arguments becomes pino's `err`; setLevel/getLevel/setName act on this logger, as Slack's SDKs expect.
 */
export function boltLogger(logger: Logger): SlackLogger {
  let log = logger.child({ module: 'bolt' });
  const write =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...args: unknown[]) => {
      const err = args.find((a) => a instanceof Error);
      const text = args
        .filter((a) => a !== err)
        .map((a) => (typeof a === 'string' ? a : safeJson(a)))
        .join(' ');
      if (err) log[level]({ err }, text || (err as Error).message);
      else log[level](text);
    };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    setLevel: (level: LogLevel) => {
      log.level = level;
    },
    getLevel: () => TO_SLACK[log.level] ?? LogLevel.INFO,
    setName: (name: string) => {
      const level = log.level;
      log = logger.child({ module: 'bolt', component: name });
      log.level = level;
    },
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
