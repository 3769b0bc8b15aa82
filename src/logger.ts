import pino, { type DestinationStream, type Logger } from 'pino';
import { createPrettyStream } from './log-pretty';

export type { Logger };

/** `json` for machines (one pino JSON line per event), `pretty` for people at a terminal. */
export type LogFormat = 'json' | 'pretty';

/** LOG_FORMAT when set, else pretty exactly when stdout is a terminal. */
export function logFormatFor(
  setting: LogFormat | undefined,
  isTty = process.stdout.isTTY === true,
): LogFormat {
  return setting ?? (isTty ? 'pretty' : 'json');
}

/**
 * The one root logger; modules take `logger.child({ module })`. Secrets are redacted wherever they appear.
 * `pretty` writes human lines to `stream` (default stdout), in colour when `colour` is set.
 */
export function createLogger(
  level: string,
  stream?: DestinationStream,
  opts: { format?: LogFormat; colour?: boolean } = {},
): Logger {
  const destination =
    opts.format === 'pretty'
      ? createPrettyStream({ colour: opts.colour ?? false }, stream ?? process.stdout)
      : stream;
  return pino(
    {
      level,
      base: { service: 'mogo' },
      redact: {
        paths: [
          'token',
          '*.token',
          'authorization',
          '*.authorization',
          'headers.authorization',
          'req.headers.authorization',
          // the Config shape (config.ts): a logged config never shows a secret
          'config.slack.botToken',
          'config.slack.signingSecret',
          'config.slack.appToken',
          'config.webhook.token',
          'config.databaseUrl',
          'config.migrationDatabaseUrl',
          'config.redisUrl',
          'config.alertmanager.auth.token',
          'config.alertmanager.auth.password',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
