import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createAlertmanagerSilences } from '../../src/alertmanager/client';
import { createApp, type MogoApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { AppError } from '../../src/errors';
import type { IncidentServiceOptions } from '../../src/incidents/incident-service';
import type { RollbackOptions } from '../../src/incidents/rollback/deps';
import { createLogger } from '../../src/logger';
import { createMetrics } from '../../src/metrics';
import type {
  AlertStore,
  Chat,
  Clock,
  Directory,
  RateBudget,
  ReadCache,
  RollbackStore,
} from '../../src/ports';
import type { SeenRequests } from '../../src/ports/seen-requests';
import type { RollbackTargetConfig } from '../../src/rollback/config-schema';
import type { Deployer } from '../../src/rollback/deployer';
import { loadRules } from '../../src/rules';
import type { WorkGate } from '../../src/schema-guard';
import { createAlertRenderer } from '../../src/slack/alert-renderer';
import { createSlackSurface } from '../../src/slack/surface';
import type { Db } from '../../src/store/db';
import { createPgliteDb } from '../../src/store/embedded/pglite-db';
import { createMemoryRateBudget } from '../../src/store/memory/memory-rate-budget';
import { createMemoryReadCache } from '../../src/store/memory/memory-read-cache';
import { migrate } from '../../src/store/migrations';
import { createSqlAlertStore } from '../../src/store/sql-alert-store';
import { createSqlAuditLog, type SqlAuditLog } from '../../src/store/sql-audit-log';
import { createSqlDigestStore } from '../../src/store/sql-digest-store';
import { createSqlEscalationStore } from '../../src/store/sql-escalations';
import { createSqlIncidentStore } from '../../src/store/sql-incident-store';
import { createSqlLeases } from '../../src/store/sql-leases';
import { createSqlOutbox } from '../../src/store/sql-outbox';
import { createSqlPlacements } from '../../src/store/sql-placements';
import { createSqlReportJobs, createSqlReportSource } from '../../src/store/sql-reports';
import { createSqlRollbackStore } from '../../src/store/sql-rollback-store';
import { createSqlSilenceStore } from '../../src/store/sql-silence-store';
import { pgliteTemplate } from './pglite-template';
import { signSlackRequest } from './slack-sign';

export const REPO_RULES = join(__dirname, '../../rules');
export const WEBHOOK_TOKEN = 'test-webhook-token-0123456789';
export const SIGNING_SECRET = 'test-signing-secret';

export interface TestApp {
  url: string;
  app: MogoApp;
  alerts: AlertStore;
  audit: SqlAuditLog;
  rollbacks: RollbackStore;
  db: Db;
  logs: Record<string, unknown>[];
  close(): Promise<void>;
}

/**
 * mogo built in-process (createApp, composed as main.ts does) on embedded PostgreSQL and in-process locks, listening on loopback. With
 * `slackApiUrl` it runs in Slack HTTP mode against a fake Slack; without, in local mode (messages logged).
 */
export async function startTestApp(
  opts: {
    slackApiUrl?: string;
    env?: Record<string, string>;
    wrapAlerts?: (s: AlertStore) => AlertStore;
    chat?: Chat;
    /** Rule files to load; the repository's rules/ by default. */
    rulesDir?: string;
    /** Rollback backends; by default every target fails with ROLLBACK_CONFIG (no backend in this test). */
    deployerFor?: (target: RollbackTargetConfig) => Deployer;
    directory?: Directory;
    rollbackOptions?: Partial<RollbackOptions>;
    /** Dependencies reported down without stopping delivery (Redis), as main.ts derives them. */
    degraded?: () => Promise<string[]>;
    /** The rollback sweep's cron expression; by default none (tests call app.rollbacks.sweep()). */
    rollbackSweep?: string;
    /** Run the digest on config's schedule (DIGEST_SCHEDULE); by default never (tests call app.digest.runNow()). */
    digestSchedule?: boolean;
    clock?: Clock;
    /** Slack's call budget; in-process by default. Pass a Redis one to share it between apps. */
    budget?: RateBudget;
    /** Share a database between apps (a restart); the caller closes it. */
    db?: Db;
    /** The escalation check's cron expression; by default none (tests call app.oncall.escalation.runNow()). */
    escalationSchedule?: string;
    /** Signed Slack requests already seen; share one (e.g. Redis) between apps to act as replicas. */
    seenRequests?: SeenRequests;
    /** Real silences against this Alertmanager; the poller runs only when the test calls poller.runNow(). */
    alertmanagerUrl?: string;
    /** The console's read cache; share one (e.g. Redis) between apps to act as replicas. */
    readCache?: ReadCache;
    /** Incident set-up worker timings; by default no reminder schedule (tests call remindNow()). */
    incidentOptions?: IncidentServiceOptions;
    /** Whether the app may take work (the schema guard in main.ts); always ready by default. */
    gate?: WorkGate;
  } = {},
): Promise<TestApp> {
  const slackEnv = opts.slackApiUrl
    ? { SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: opts.slackApiUrl }
    : {};
  const config = loadConfig({ ALERTMANAGER_TOKEN: WEBHOOK_TOKEN, ...slackEnv, ...opts.env });
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger('debug', { write: (line: string) => void logs.push(JSON.parse(line)) });
  const template = pgliteTemplate();
  const db = opts.db ?? (await createPgliteDb(template ? { template } : {}));
  await migrate(db);
  const store = createSqlAlertStore(db);
  const rollbacks = createSqlRollbackStore(db);
  const alerts = opts.wrapAlerts ? opts.wrapAlerts(store) : store;
  const audit = createSqlAuditLog(db, { flushIntervalMs: 10, onError: () => {} });
  const loaded = await loadRules(opts.rulesDir ?? REPO_RULES);
  const rules = { current: () => loaded };
  const metrics = createMetrics();
  const silencing = opts.alertmanagerUrl
    ? {
        api: createAlertmanagerSilences({ url: opts.alertmanagerUrl, auth: null }),
        records: createSqlSilenceStore(db),
        leases: createSqlLeases(db),
        pollMs: 3_600_000,
      }
    : undefined;
  const slack = createSlackSurface(
    config.slack,
    {
      logger,
      alerts,
      audit,
      budget: opts.budget ?? createMemoryRateBudget(),
      ...(opts.seenRequests ? { seenRequests: opts.seenRequests } : {}),
      onCall: metrics.slackHooks.call,
      ...(opts.gate ? { notReady: opts.gate.notReady } : {}),
    },
    { ...(opts.chat ? { chat: opts.chat } : {}), ...(opts.directory ? { directory: opts.directory } : {}) },
  );
  const app = createApp({
    config,
    logger,
    metrics,
    slack,
    render: createAlertRenderer({
      rules,
      rollbacks,
      silences: silencing?.records,
      declarePriorities: config.incidents.declarePriorities,
    }),
    console: { cache: opts.readCache ?? createMemoryReadCache(), ...(silencing ? { silencing } : {}) },
    alerts,
    audit,
    outbox: createSqlOutbox(db, opts.clock),
    placements: createSqlPlacements(db, opts.clock),
    rollbacks,
    digests: createSqlDigestStore(db),
    oncall: {
      escalations: createSqlEscalationStore(db),
      reportJobs: createSqlReportJobs(db),
      reportSource: createSqlReportSource(db, store),
    },
    escalationSchedule: opts.escalationSchedule ?? false,
    incidents: createSqlIncidentStore(db, opts.clock),
    ...(opts.incidentOptions
      ? { incidentOptions: opts.incidentOptions }
      : { incidentOptions: { reminderEveryMs: false } }),
    deployerFor: opts.deployerFor ?? noDeployer,
    ...(opts.rollbackOptions ? { rollbackOptions: opts.rollbackOptions } : {}),
    rollbackSweep: opts.rollbackSweep ?? false,
    ...(opts.digestSchedule ? {} : { digestSchedule: false as const }),
    rules,
    clock: opts.clock ?? { now: () => new Date() },
    ping: async () => void (await db.query('select 1')),
    ...(opts.degraded ? { degraded: opts.degraded } : {}),
    ...(opts.gate ? { gate: opts.gate } : {}),
  });
  const server: Server = createServer(app.handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  await app.start();
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    alerts,
    audit,
    rollbacks,
    db,
    logs,
    async close() {
      await new Promise<void>((r) => server.close(() => r()));
      await app.stop();
      await audit.close();
      if (!opts.db) await db.close();
    },
  };
}

function noDeployer(target: RollbackTargetConfig): Deployer {
  throw new AppError('ROLLBACK_CONFIG', `no rollback backend for ${target.name} in this test`);
}

export function postWebhook(
  url: string,
  body: string | object,
  headers: Record<string, string> = { authorization: `Bearer ${WEBHOOK_TOKEN}` },
) {
  return fetch(`${url}/webhooks/alertmanager`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** A form (slash command, interaction) posted to the app's /slack/events as Slack signs it. */
export function postSlack(url: string, form: string, secret = SIGNING_SECRET) {
  return fetch(`${url}/slack/events`, {
    method: 'POST',
    headers: signSlackRequest(secret, form),
    body: form,
  });
}

/** Response JSON for assertions (tests look into it freely). */
export async function readJson(res: Response): Promise<any> {
  return res.json();
}
