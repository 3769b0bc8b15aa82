import { createServer, type Server } from 'node:http';
import { createAlertmanagerSilences } from './alertmanager/client';
import { createApp } from './app';
import { type Config, loadConfig } from './config';
import { isAppError } from './errors';
import { publishAuditHead } from './jobs/audit-head';
import { createLogger, type Logger, logFormatFor } from './logger';
import { createMetrics } from './metrics';
import { createDeployer, requiredSecrets } from './rollback/backends';
import type { RollbackTargetConfig } from './rollback/config-schema';
import type { Deployer } from './rollback/deployer';
import { formatProblem, loadRules, type RuleProblem } from './rules';
import { createRulesReloader } from './rules/reload';
import { createSchemaGuard } from './schema-guard';
import { createAlertRenderer } from './slack/alert-renderer';
import { createSlackSurface } from './slack/surface';
import { openStorage } from './store';

export interface Running {
  server: Server;
  config: Readonly<Config>;
  stop(): Promise<void>;
}

/**
 * The composition root: environment -> config -> rules -> storage and Slack adapters -> createApp -> listen,
 * then signal handling and a graceful drain. The only place that builds adapters; everything else is built
 * from arguments.
 */
export async function serve(env: Record<string, string | undefined>): Promise<Running> {
  const config = loadConfig(env);
  const logger = createLogger(config.logLevel, undefined, {
    format: logFormatFor(config.logFormat),
    colour: process.stdout.isTTY === true && !env.NO_COLOR,
  });
  const initialRules = await loadRules(config.rulesDir).catch((e) => {
    if (isAppError(e) && e.code === 'RULES_INVALID') logRuleProblems(logger, config.rulesDir, e.details);
    throw e;
  });
  logger.info(
    { rulesDir: config.rulesDir, files: initialRules.files, digest: initialRules.digest },
    'rules loaded',
  );

  const storage = await openStorage({
    databaseUrl: config.databaseUrl,
    migrationDatabaseUrl: config.migrationDatabaseUrl,
    dataDir: config.dataDir,
    redisUrl: config.redisUrl,
    redisPrefix: config.redisKeyPrefix,
    logger,
  });
  announceMode(logger, config, storage.kind);
  const metrics = createMetrics({
    sources: {
      outbox: storage.readings.outbox,
      openGroups: storage.readings.openGroups,
      auditBuffered: storage.audit.buffered,
      pingDatabase: storage.pingDatabase,
      pingRedis: storage.pingRedis,
    },
  });
  // a newer replica may have migrated the database already (a rolling upgrade): then this one starts not ready
  const schema = createSchemaGuard({
    shipped: storage.schema.shipped,
    read: storage.schema.applied,
    everyMs: config.schemaCheckMs,
    logger,
    observed: metrics.schemaHooks.observed,
  });
  await schema.check();
  const rules = createRulesReloader({
    dir: config.rulesDir,
    initial: initialRules,
    logger,
    audit: storage.audit,
    metrics: metrics.rulesHooks,
  });

  const slack = createSlackSurface(config.slack, {
    logger,
    alerts: storage.alerts,
    audit: storage.audit,
    budget: storage.budget,
    seenRequests: storage.seenRequests,
    onCall: metrics.slackHooks.call,
    notReady: schema.notReady,
  });
  const silencing = config.alertmanager && {
    api: createAlertmanagerSilences(config.alertmanager),
    records: storage.silences,
    leases: storage.leases,
    pollMs: config.alertmanager.pollMs,
  };
  const app = createApp({
    config,
    logger,
    slack,
    render: createAlertRenderer({
      rules,
      rollbacks: storage.rollbacks,
      silences: silencing?.records,
      declarePriorities: config.incidents.declarePriorities,
    }),
    console: { cache: storage.readCache, ...(silencing ? { silencing } : {}) },
    alerts: storage.alerts,
    audit: storage.audit,
    outbox: storage.outbox,
    placements: storage.placements,
    rollbacks: storage.rollbacks,
    digests: storage.digests,
    oncall: storage.oncall,
    incidents: storage.incidents,
    deployerFor: deployersFrom(env, logger, initialRules.targets),
    rules,
    metrics,
    clock: { now: () => new Date() },
    ping: storage.pingDatabase,
    gate: schema,
    degraded: async () => {
      const redis = await storage.pingRedis?.().then(
        () => undefined,
        (err: Error) => `redis: ${err.message}`,
      );
      return redis ? [redis] : [];
    },
  });
  const server = createServer(app.handler);
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info({ port, host: config.host ?? '(all interfaces)' }, `mogo listening on port ${port}`);
  await app.start();
  schema.start();
  rules.start();
  const auditHead = publishAuditHead(storage.db, logger, metrics.registry);
  void auditHead.publish();
  const reloadOnHup = () => void rules.reload('SIGHUP');
  process.on('SIGHUP', reloadOnHup);

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      logger.info('shutting down: no new requests, draining work');
      process.off('SIGHUP', reloadOnHup);
      schema.stop();
      auditHead.stop();
      await rules.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await app.stop();
      await storage.close();
      logger.info('stopped');
    })();
    return stopping;
  };
  return { server, config, stop };
}

/**
 * Rollback backends get their secrets from the environment, here and only here. One deployer per target
 * config: a rules reload makes new target objects, and so new deployers. Targets whose secrets are missing
 * are named at start-up (their dialogs would say so too).
 */
function deployersFrom(
  env: Record<string, string | undefined>,
  logger: Logger,
  targets: readonly RollbackTargetConfig[],
) {
  for (const t of targets) {
    const missing = requiredSecrets(t).filter((name) => !env[name]);
    if (missing.length > 0)
      logger.warn(
        { target: t.name, missing },
        `rollback target ${t.name} cannot run until ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} set in the environment`,
      );
  }
  const built = new WeakMap<RollbackTargetConfig, Deployer>();
  return (target: RollbackTargetConfig): Deployer => {
    let deployer = built.get(target);
    if (!deployer) {
      deployer = createDeployer(target, { secrets: (name) => env[name], logger });
      built.set(target, deployer);
    }
    return deployer;
  };
}

function announceMode(logger: Logger, config: Readonly<Config>, kind: { db: string; state: string }) {
  const storage = {
    database: kind.db === 'embedded' ? `embedded PostgreSQL (PGlite) in ${config.dataDir}` : 'PostgreSQL',
    state: kind.state === 'redis' ? 'Redis' : 'in-process (single replica only)',
  };
  if (config.slack.mode === 'local') {
    logger.warn(
      { ...storage, slack: 'local' },
      'LOCAL MODE: SLACK_BOT_TOKEN is not set, so Slack messages are logged instead of sent' +
        (config.webhook.token ? '' : ', and webhooks are accepted from this machine (loopback) only'),
    );
  } else {
    logger.info(
      { ...storage, slack: config.slack.mode },
      `Slack ${config.slack.mode === 'socket' ? 'Socket Mode' : 'HTTP mode (POST /slack/events)'}`,
    );
  }
}

function logRuleProblems(logger: Logger, dir: string, details: Record<string, unknown> | undefined) {
  const problems = (details?.problems ?? []) as RuleProblem[];
  for (const p of problems) logger.error({ rulesDir: dir }, formatProblem(p));
}
