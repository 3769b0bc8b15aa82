import { validate as validCron } from 'node-cron';
import { z } from 'zod';
import { INCIDENT_ENV } from './config-incidents';
import { canonicalTimeZone } from './rules/time';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const optionalString = z
  .string()
  .transform((s) => s.trim())
  .transform((s) => (s === '' ? undefined : s))
  .optional();

export const boolFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .optional()
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const urlWith = (protocols: string[], what: string) =>
  optionalString.refine(
    (v) => {
      if (v === undefined) return true;
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')} (${what})` },
  );

function cronOrOff(fallback: string) {
  return z
    .string()
    .trim()
    .default(fallback)
    .refine((v) => v === 'off' || validCron(v), {
      message: `must be a cron expression (5 fields, or 6 with seconds first), e.g. "${fallback}", or "off"`,
    });
}

/** Every environment variable mogo reads. README.md lists the same set; keep them in step. */
export const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: optionalString,
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  SLACK_BOT_TOKEN: optionalString.refine((v) => v === undefined || v.startsWith('xoxb-'), {
    message: 'must be a bot token starting with xoxb-',
  }),
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_APP_TOKEN: optionalString.refine((v) => v === undefined || v.startsWith('xapp-'), {
    message: 'must be an app-level token starting with xapp- (Socket Mode)',
  }),
  SLACK_API_URL: urlWith(['http:', 'https:'], 'the Slack Web API base, e.g. https://slack.com/api/'),
  DATABASE_URL: urlWith(['postgres:', 'postgresql:'], 'PostgreSQL connection string'),
  MIGRATION_DATABASE_URL: urlWith(
    ['postgres:', 'postgresql:'],
    'PostgreSQL connection string of the owner role',
  ),
  DATA_DIR: z.string().default('./data'),
  MOGO_REQUIRE_DATABASE: boolFlag,
  SCHEMA_CHECK_SECONDS: z.coerce.number().int().min(1).max(300).default(15),
  REDIS_URL: urlWith(['redis:', 'rediss:'], 'Redis connection string'),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_:.-]{1,64}$/, { message: 'must be 1-64 letters, digits, or _ : . -' })
    .default('mogo:'),
  ALERTMANAGER_TOKEN: optionalString.refine((v) => v === undefined || v.length >= 16, {
    message: 'must be at least 16 characters (it guards the webhook)',
  }),
  ALLOW_UNAUTHENTICATED_WEBHOOK: boolFlag,
  ALERTMANAGER_URL: urlWith(['http:', 'https:'], "Alertmanager's API base, e.g. http://alertmanager:9093"),
  ALERTMANAGER_API_TOKEN: optionalString,
  ALERTMANAGER_API_USERNAME: optionalString,
  ALERTMANAGER_API_PASSWORD: optionalString,
  SILENCE_POLL_SECONDS: z.coerce.number().int().min(5).max(3600).default(30),
  WEBHOOK_BODY_LIMIT: z.coerce
    .number()
    .int()
    .min(1024)
    .max(64 * 1024 * 1024)
    .default(1024 * 1024),
  RULES_DIR: z.string().default('./rules'),
  ROLLBACK_APPROVAL_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(24 * 3600)
    .default(15 * 60),
  ROLLBACK_TIMEOUT_SECONDS: z.coerce
    .number()
    .int()
    .min(10)
    .max(6 * 3600)
    .default(30 * 60),
  DIGEST_SCHEDULE: z
    .string()
    .trim()
    .default('0 9 * * *')
    .refine((v) => v === 'off' || validCron(v), {
      message: 'must be a cron expression (5 fields, or 6 with seconds first), e.g. "0 9 * * *", or "off"',
    }),
  DIGEST_TIME_ZONE: z
    .string()
    .trim()
    .default('UTC')
    .refine((v) => canonicalTimeZone(v) !== undefined, {
      message: 'must be an IANA time zone name, e.g. "UTC" or "Europe/Berlin"',
    }),
  ESCALATION_SCHEDULE: cronOrOff('*/30 * * * * *'),
  REPORT_CHANNELS: z
    .string()
    .trim()
    .default('')
    .refine((v) => v.split(',').every((c) => c.trim() === '' || /^[CG][A-Z0-9]{6,}$/.test(c.trim())), {
      message: 'must be comma-separated Slack channel ids such as "C0123ABCD" (files are shared by id)',
    }),
  REPORT_SCHEDULE: cronOrOff('0 9 * * 1'),
  REPORT_TIME_ZONE: z
    .string()
    .trim()
    .default('UTC')
    .refine((v) => canonicalTimeZone(v) !== undefined, {
      message: 'must be an IANA time zone name, e.g. "UTC" or "Europe/Berlin"',
    }),
  ...INCIDENT_ENV,
});

export type Env = z.infer<typeof EnvSchema>;
