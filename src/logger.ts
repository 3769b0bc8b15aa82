import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** The one root logger; modules take `logger.child({ module })`. Secrets are redacted wherever they appear. */
export function createLogger(level: string, stream?: DestinationStream): Logger {
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
          'config.slackBotToken',
          'config.slackSigningSecret',
          'config.slackAppToken',
          'config.alertmanagerToken',
          'config.databaseUrl',
          'config.redisUrl',
        ],
        censor: '[redacted]',
      },
    },
    stream,
  );
}
