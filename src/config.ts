import { boolFlag, type Env, EnvSchema, type LOG_LEVELS } from './config-env';
import { type IncidentSettings, incidentSettingsOf } from './config-incidents';
import { AppError } from './errors';
import { canonicalTimeZone } from './rules/time';

/**
 * How mogo reaches Slack, one shape per mode so each mode carries exactly what it needs: local (no token:
 * messages are logged), http (Slack POSTs events to /slack/events, signed with the signing secret) or socket
 * (mogo opens a Socket Mode connection with the app-level token).
 */
export type SlackConfig =
  | { mode: 'local'; apiUrl: string | undefined }
  | { mode: 'http'; botToken: string; signingSecret: string; apiUrl: string | undefined }
  | { mode: 'socket'; botToken: string; appToken: string; apiUrl: string | undefined };

export type SlackMode = SlackConfig['mode'];

export interface Config {
  port: number;
  host: string | undefined;
  logLevel: (typeof LOG_LEVELS)[number];
  /** LOG_FORMAT; unset: pretty when stdout is a terminal, JSON otherwise (decided where stdout is known). */
  logFormat: 'json' | 'pretty' | undefined;
  slack: SlackConfig;
  databaseUrl: string | undefined;
  /** Runs migrations as the tables' owner, so DATABASE_URL's role can be limited to INSERT/SELECT on audit_log. */
  migrationDatabaseUrl: string | undefined;
  dataDir: string;
  /** How often the database's schema version is read (the schema guard: an upgrade rolling out). */
  schemaCheckMs: number;
  redisUrl: string | undefined;
  /** Every Redis key starts with it: several mogo deployments (or test runs) can share one Redis. */
  redisKeyPrefix: string;
  webhook: { token: string | undefined; allowUnauthenticated: boolean; bodyLimit: number };
  rulesDir: string;
  rollback: {
    /** How long a request waiting for approval (two-person rule) stays open. */
    approvalTtlMs: number;
    /** How long mogo waits for a backend's rollback() before it reports a timeout. */
    timeoutMs: number;
  };
  /** The digest of digest-only alert groups: when it runs; null when DIGEST_SCHEDULE=off. */
  digest: { schedule: string; timeZone: string } | null;
  /** Escalation checks (null: ESCALATION_SCHEDULE=off) and the weekly report (null: no REPORT_CHANNELS). */
  oncall: {
    escalationSchedule: string | null;
    weeklyReport: { channels: string[]; schedule: string; timeZone: string } | null;
  };
  /** Alertmanager's API for real silences; null without ALERTMANAGER_URL (the Silence button links to its UI). */
  alertmanager: { url: string; auth: AlertmanagerAuth; pollMs: number } | null;
  /** Incidents: channel or thread mode, naming, roles, reminders (INCIDENT_*). */
  incidents: IncidentSettings;
}

/** How mogo authenticates to Alertmanager's API (a reverse proxy or Alertmanager's web.config in front of it). */
export type AlertmanagerAuth =
  | { kind: 'bearer'; token: string }
  | { kind: 'basic'; username: string; password: string }
  | null;

export interface ConfigProblem {
  variable: string;
  message: string;
}

/** Parses the environment once; throws CONFIG_INVALID listing every problem at once. The result is frozen. */
export function loadConfig(env: Record<string, string | undefined>): Readonly<Config> {
  const problems: ConfigProblem[] = [];
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const variable = String(issue.path[0] ?? '(environment)');
      problems.push({
        variable,
        message: `${issue.message} (got ${describeValue(variable, env[variable])})`,
      });
    }
  }
  // on the raw environment, so a missing secret is named in the same run as a malformed value
  problems.push(...combinationProblems(env));
  if (problems.length > 0 || !parsed.success) {
    const lines = problems.map((p) => `  - ${p.variable}: ${p.message}`).join('\n');
    throw new AppError('CONFIG_INVALID', `invalid configuration:\n${lines}`, { details: { problems } });
  }
  const e = parsed.data;
  const config: Config = {
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    slack: slackConfigOf(e),
    databaseUrl: e.DATABASE_URL,
    migrationDatabaseUrl: e.MIGRATION_DATABASE_URL,
    dataDir: e.DATA_DIR,
    schemaCheckMs: e.SCHEMA_CHECK_SECONDS * 1000,
    redisUrl: e.REDIS_URL,
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    webhook: {
      token: e.ALERTMANAGER_TOKEN,
      allowUnauthenticated: e.ALLOW_UNAUTHENTICATED_WEBHOOK,
      bodyLimit: e.WEBHOOK_BODY_LIMIT,
    },
    rulesDir: e.RULES_DIR,
    rollback: {
      approvalTtlMs: e.ROLLBACK_APPROVAL_TTL_SECONDS * 1000,
      timeoutMs: e.ROLLBACK_TIMEOUT_SECONDS * 1000,
    },
    digest:
      e.DIGEST_SCHEDULE === 'off'
        ? null
        : { schedule: e.DIGEST_SCHEDULE, timeZone: canonicalTimeZone(e.DIGEST_TIME_ZONE)! },
    oncall: oncallConfigOf(e),
    alertmanager: e.ALERTMANAGER_URL
      ? { url: e.ALERTMANAGER_URL, auth: alertmanagerAuthOf(e), pollMs: e.SILENCE_POLL_SECONDS * 1000 }
      : null,
    incidents: incidentSettingsOf(e),
  };
  return deepFreeze(config);
}

const SECRET_NAME = /TOKEN|SECRET|PASSWORD|KEY/;
const URL_NAME = /_URL$/;

/**
 * What a configuration error may say about the value it refused: never a secret. Tokens and secrets are
 * described by their length only; URLs are shown with the password (and any password-like query parameter)
 * replaced by `***`, or not at all if they do not parse (the password could be anywhere in them).
 */
export function describeValue(variable: string, value: string | undefined): string {
  if (value === undefined || value === '') return 'nothing';
  if (SECRET_NAME.test(variable)) return `a value of ${value.length} characters, not shown`;
  if (URL_NAME.test(variable)) {
    const redacted = redactUrl(value);
    return redacted === null ? 'a value that is not a URL, not shown' : JSON.stringify(redacted);
  }
  return JSON.stringify(value);
}

/** The URL with its password and password-like query parameters replaced by ***; null if it does not parse. */
export function redactUrl(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.password) url.password = '***';
  for (const key of [...url.searchParams.keys()])
    if (/pass|secret|token|key/i.test(key)) url.searchParams.set(key, '***');
  return url.toString();
}

function oncallConfigOf(e: Env): Config['oncall'] {
  const channels = e.REPORT_CHANNELS.split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '');
  return {
    escalationSchedule: e.ESCALATION_SCHEDULE === 'off' ? null : e.ESCALATION_SCHEDULE,
    weeklyReport:
      channels.length > 0 && e.REPORT_SCHEDULE !== 'off'
        ? { channels, schedule: e.REPORT_SCHEDULE, timeZone: canonicalTimeZone(e.REPORT_TIME_ZONE)! }
        : null,
  };
}

function alertmanagerAuthOf(e: Env): AlertmanagerAuth {
  if (e.ALERTMANAGER_API_TOKEN) return { kind: 'bearer', token: e.ALERTMANAGER_API_TOKEN };
  if (e.ALERTMANAGER_API_USERNAME && e.ALERTMANAGER_API_PASSWORD)
    return { kind: 'basic', username: e.ALERTMANAGER_API_USERNAME, password: e.ALERTMANAGER_API_PASSWORD };
  return null;
}

/** The mode follows from which tokens are set; loadConfig has already refused the incomplete combinations. */
function slackConfigOf(e: Env): SlackConfig {
  const apiUrl = e.SLACK_API_URL;
  if (!e.SLACK_BOT_TOKEN) return { mode: 'local', apiUrl };
  if (e.SLACK_APP_TOKEN)
    return { mode: 'socket', botToken: e.SLACK_BOT_TOKEN, appToken: e.SLACK_APP_TOKEN, apiUrl };
  if (e.SLACK_SIGNING_SECRET)
    return { mode: 'http', botToken: e.SLACK_BOT_TOKEN, signingSecret: e.SLACK_SIGNING_SECRET, apiUrl };
  throw new AppError('CONFIG_INVALID', 'SLACK_SIGNING_SECRET: is required in HTTP mode');
}

/** Problems of variables that are each valid alone but not together (set or unset is all that counts here). */
function combinationProblems(env: Record<string, string | undefined>): ConfigProblem[] {
  const set = (name: string) => (env[name] ?? '').trim() !== '';
  const problems: ConfigProblem[] = [];
  const slackAny = set('SLACK_BOT_TOKEN') || set('SLACK_SIGNING_SECRET') || set('SLACK_APP_TOKEN');
  if (slackAny && !set('SLACK_BOT_TOKEN'))
    problems.push({ variable: 'SLACK_BOT_TOKEN', message: 'is required when any other SLACK_* is set' });
  if (slackAny && !set('SLACK_APP_TOKEN') && !set('SLACK_SIGNING_SECRET'))
    problems.push({
      variable: 'SLACK_SIGNING_SECRET',
      message: 'is required in HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)',
    });
  if (
    slackAny &&
    !set('ALERTMANAGER_TOKEN') &&
    boolFlag.safeParse(env.ALLOW_UNAUTHENTICATED_WEBHOOK).data !== true
  )
    problems.push({
      variable: 'ALERTMANAGER_TOKEN',
      message:
        'is required when Slack is configured: anyone who can reach the webhook could post to your channels. ' +
        'Set it (and the same credentials in Alertmanager http_config), or set ALLOW_UNAUTHENTICATED_WEBHOOK=true to opt out',
    });
  if (set('ALERTMANAGER_API_TOKEN') && (set('ALERTMANAGER_API_USERNAME') || set('ALERTMANAGER_API_PASSWORD')))
    problems.push({
      variable: 'ALERTMANAGER_API_TOKEN',
      message: 'set either a bearer token or ALERTMANAGER_API_USERNAME/PASSWORD (basic auth), not both',
    });
  if (set('ALERTMANAGER_API_USERNAME') !== set('ALERTMANAGER_API_PASSWORD'))
    problems.push({
      variable: set('ALERTMANAGER_API_USERNAME') ? 'ALERTMANAGER_API_PASSWORD' : 'ALERTMANAGER_API_USERNAME',
      message:
        'basic auth to Alertmanager needs both ALERTMANAGER_API_USERNAME and ALERTMANAGER_API_PASSWORD',
    });
  const amAuth = ['ALERTMANAGER_API_TOKEN', 'ALERTMANAGER_API_USERNAME', 'ALERTMANAGER_API_PASSWORD'];
  if (!set('ALERTMANAGER_URL') && amAuth.some(set))
    problems.push({ variable: 'ALERTMANAGER_URL', message: 'is required when ALERTMANAGER_API_* is set' });
  if (boolFlag.safeParse(env.MOGO_REQUIRE_DATABASE).data === true && !set('DATABASE_URL'))
    problems.push({
      variable: 'DATABASE_URL',
      message:
        'is required because MOGO_REQUIRE_DATABASE=true: without it mogo would keep a private embedded database ' +
        'in this one process (local mode), which replicas cannot share',
    });
  return problems;
}

function deepFreeze<T extends object>(o: T): Readonly<T> {
  for (const v of Object.values(o)) if (v && typeof v === 'object') deepFreeze(v);
  return Object.freeze(o);
}
