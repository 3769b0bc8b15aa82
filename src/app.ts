import type { IncomingMessage, ServerResponse } from 'node:http';
import { App, SocketModeReceiver } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import type { Config } from './config';
import { sendError, sendJson } from './http/respond';
import { type DigestResult, postDigest } from './incidents/post-digest';
import { receiveNotification } from './incidents/receive-notification';
import type { RollupPolicy } from './incidents/render-group';
import { createRenderWorker, type RenderWorker } from './incidents/render-worker';
import {
  DEFAULT_ROLLBACK_OPTIONS,
  findTarget,
  type RollbackDeps,
  type RollbackOptions,
} from './incidents/rollback/deps';
import { createRollbackRunner, type RollbackRunner } from './incidents/rollback/runner';
import { sweepRollbacks } from './incidents/rollback/sweep';
import { createWebhookRoute } from './ingest/webhook-route';
import { scheduleDigest } from './jobs/digest';
import { scheduleRollbackSweep } from './jobs/rollback-sweep';
import type { Logger } from './logger';
import { createMetrics, type Metrics } from './metrics';
import type {
  AlertStore,
  AuditLog,
  Chat,
  Clock,
  DigestStore,
  Directory,
  Outbox,
  Placements,
  RateBudget,
  RollbackStore,
  RulesProvider,
} from './ports';
import type { SeenRequests } from './ports/seen-requests';
import type { RollbackTargetConfig } from './rollback/config-schema';
import type { Deployer } from './rollback/deployer';
import { createCachedDirectory, createStaticDirectory } from './rollback/directory';
import type { RuleSet } from './rules';
import { registerAlertButtons } from './slack/actions/alert-buttons';
import { registerRollbackActions } from './slack/actions/rollback-actions';
import { registerRollupActions } from './slack/actions/rollup-actions';
import { renderAlertGroup } from './slack/blocks/alert-group';
import { withFallbackNote } from './slack/blocks/fallback-note';
import { renderRollup } from './slack/blocks/rollup';
import { boltLogger, slackLogLevel } from './slack/bolt-logger';
import { createLoggingChat, createSlackChat } from './slack/chat';
import { registerIncidentCommand } from './slack/commands/incident';
import { createSlackDirectory } from './slack/directory';
import { createSlackDigestPublisher, createSlackNotifier } from './slack/notifier';
import { POSTS_PER_SECOND_PER_CHANNEL } from './slack/rate-limits';
import { SlackHttpReceiver } from './slack/receiver';
import { createMemorySeenRequests } from './store/memory/memory-seen-requests';

export interface AppDeps {
  config: Pick<Config, 'slack' | 'webhook' | 'rollback' | 'digest'>;
  logger: Logger;
  alerts: AlertStore;
  audit: AuditLog;
  outbox: Outbox;
  placements: Placements;
  /** Slack's call budget, shared by every replica (Redis) or in-process. */
  budget: RateBudget;
  rules: RulesProvider;
  clock: Clock;
  rollbacks: RollbackStore;
  digests: DigestStore;
  /** The backend of a rollback target; built in the composition root, where secrets come from the environment. */
  deployerFor: (target: RollbackTargetConfig) => Deployer;
  /** Signed Slack requests already handled (replay refusal); in-process by default, Redis with replicas. */
  seenRequests?: SeenRequests;
  /** Resolves when storage answers; /readyz uses it. */
  ping: () => Promise<void>;
  /** Override the Slack adapter (tests); by default built from config.slack. */
  chat?: Chat;
  /** Override Slack user-group lookups (tests); by default usergroups.users.list, cached for 60 s. */
  directory?: Directory;
  /** Override rollback timings (tests); approval TTL and timeout come from config.rollback. */
  rollbackOptions?: Partial<RollbackOptions>;
  /** Cron expression of the rollback sweep (default every 15 s); false: only at start-up (tests sweep by hand). */
  rollbackSweep?: string | false;
  /** false: no digest schedule whatever config.digest says (tests call app.digest.runNow()). */
  digestSchedule?: false;
  metrics?: Metrics;
}

export interface MogoApp {
  /** The whole HTTP surface: webhook, Slack events (HTTP mode), health and metrics. */
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  worker: RenderWorker;
  metrics: Metrics;
  rollbacks: {
    runner: RollbackRunner;
    /** Expires unapproved requests and reports rollbacks whose process is gone (also runs on a schedule). */
    sweep(): Promise<{ expired: number; interrupted: number }>;
  };
  digest: {
    /** Runs the digest now for the period starting at `at` (default: the clock's now), as a tick would. */
    runNow(at?: Date): Promise<DigestResult>;
  };
  /** Starts background work (render worker, Socket Mode connection); the caller owns listen(). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Builds mogo from its dependencies. Never reads the environment and never listens (build apart from run). */
export function createApp(deps: AppDeps): MogoApp {
  const { config, logger, clock } = deps;
  const metrics = deps.metrics ?? createMetrics();
  const mode = config.slack.mode;
  const client = mode === 'local' ? undefined : slackClient(config, logger);
  const chat =
    deps.chat ??
    (client
      ? createSlackChat(client, { budget: deps.budget, logger, onCall: metrics.slackHooks?.call })
      : createLoggingChat(logger));

  const worker = createRenderWorker({
    alerts: deps.alerts,
    outbox: deps.outbox,
    placements: deps.placements,
    audit: deps.audit,
    chat,
    renderRollup,
    rollupPolicy: () => rollupPolicyOf(deps.rules.current()),
    now: () => clock.now(),
    render: async (g) =>
      renderAlertGroup(g, {
        rollback: {
          available: findTarget(deps, g.routing.rollbackTarget) !== undefined,
          latest: await deps.rollbacks.latestForGroup(g.id),
        },
      }),
    logger,
    metrics: metrics.renderHooks,
    fallback: { channel: () => deps.rules.current().defaults.channel, note: withFallbackNote },
  });

  const rollback: RollbackDeps = {
    alerts: deps.alerts,
    rollbacks: deps.rollbacks,
    audit: deps.audit,
    notifier: createSlackNotifier({ alerts: deps.alerts, chat }),
    directory:
      deps.directory ??
      (client ? createCachedDirectory(createSlackDirectory(client)) : createStaticDirectory()),
    rules: deps.rules,
    clock,
    deployerFor: deps.deployerFor,
    logger,
    onChanged: () => worker.kick(),
    metrics: metrics.rollbackHooks,
    options: {
      ...DEFAULT_ROLLBACK_OPTIONS,
      approvalTtlMs: config.rollback.approvalTtlMs,
      timeoutMs: config.rollback.timeoutMs,
      ...deps.rollbackOptions,
    },
  };
  const runner = createRollbackRunner(rollback);
  const sweep = () => sweepRollbacks(rollback, runner);
  let sweepJob: ReturnType<typeof scheduleRollbackSweep> | undefined;
  const digest = (periodStart: Date) =>
    postDigest(
      { digests: deps.digests, publisher: createSlackDigestPublisher(chat), audit: deps.audit, logger },
      periodStart,
    );
  let digestJob: ReturnType<typeof scheduleDigest> | undefined;

  const webhook = createWebhookRoute({
    auth: { token: config.webhook.token, loopbackOnly: !config.webhook.allowUnauthenticated },
    bodyLimit: config.webhook.bodyLimit,
    receive: (n) => receiveNotification({ alerts: deps.alerts, rules: deps.rules, clock }, n),
    audit: deps.audit,
    logger,
    metrics,
    onChanged: () => worker.kick(),
  });

  let bolt: App | undefined;
  const httpReceiver =
    mode === 'http'
      ? new SlackHttpReceiver({
          signingSecret: config.slack.signingSecret!,
          logger,
          audit: deps.audit,
          seen: deps.seenRequests ?? createMemorySeenRequests(),
        })
      : undefined;
  if (mode !== 'local') {
    const receiver =
      httpReceiver ??
      new SocketModeReceiver({
        appToken: config.slack.appToken!,
        logger: boltLogger(logger),
        logLevel: slackLogLevel(logger),
        // apps.connections.open must go to SLACK_API_URL too; Bolt 5 takes the socket client's options here
        installerOptions: { clientOptions: config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {} },
      });
    bolt = new App({
      token: config.slack.botToken,
      receiver,
      logger: boltLogger(logger),
      logLevel: slackLogLevel(logger),
      clientOptions: config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {},
    });
    const actionDeps = { alerts: deps.alerts, clock, chat, logger, metrics, onChanged: () => worker.kick() };
    registerAlertButtons(bolt, actionDeps);
    registerRollupActions(bolt, { ...actionDeps, placements: deps.placements });
    registerRollbackActions(bolt, { rollback, runner, chat, metrics });
    registerIncidentCommand(bolt, { alerts: deps.alerts, logger });
    bolt.error(async (err) => {
      logger.error({ err }, 'unhandled Slack listener error');
    });
  }

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    const route = `${req.method} ${path}`;
    const done = (p: Promise<void>) =>
      p.catch((err) => {
        logger.error({ err, route }, 'request failed');
        if (!res.headersSent) sendError(res, 500, 'INTERNAL', 'internal error');
      });
    switch (route) {
      case 'POST /webhooks/alertmanager':
        return void done(webhook(req, res));
      case 'POST /slack/events':
        if (httpReceiver) return void done(httpReceiver.handle(req, res));
        break;
      case 'GET /healthz':
        return sendJson(res, 200, { status: 'ok' });
      case 'GET /readyz':
        return void done(
          deps.ping().then(
            () => sendJson(res, 200, { status: 'ready', slack: mode }),
            (err) => sendJson(res, 503, { status: 'unavailable', error: String(err?.message ?? err) }),
          ),
        );
      case 'GET /metrics':
        return void done(
          metrics.registry.metrics().then((text) => {
            res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text);
          }),
        );
    }
    req.resume();
    const known = ['/webhooks/alertmanager', '/slack/events', '/healthz', '/readyz', '/metrics'];
    if (known.includes(path) && (path !== '/slack/events' || httpReceiver))
      return sendError(res, 405, 'METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${path}`);
    sendError(res, 404, 'NOT_FOUND', `no route for ${req.method} ${path}`);
  };

  return {
    handler,
    worker,
    metrics,
    rollbacks: { runner, sweep },
    digest: { runNow: (at = clock.now()) => digest(at) },
    async start() {
      worker.start();
      // Start-up recovery: a rollback left running by a crashed or restarted process is reported now.
      await sweep().catch((err) =>
        logger.error({ err }, 'rollback start-up check failed; the schedule retries'),
      );
      if (deps.rollbackSweep !== false) sweepJob = scheduleRollbackSweep(sweep, logger, deps.rollbackSweep);
      if (config.digest && deps.digestSchedule !== false)
        digestJob = scheduleDigest(digest, () => clock.now(), logger, {
          expression: config.digest.schedule,
          timeZone: config.digest.timeZone,
        });
      if (bolt && mode === 'socket') await bolt.start();
    },
    async stop() {
      if (bolt && mode === 'socket') await bolt.stop();
      await sweepJob?.stop();
      await digestJob?.stop();
      await runner.stop();
      await worker.stop();
    },
  };
}

/** The rules' roll-up settings in the render worker's terms: how many queued first posts is a storm. */
function rollupPolicyOf(rules: RuleSet): RollupPolicy {
  const { afterMs, quietMs } = rules.defaults.rollup;
  return {
    maxFirstPostBacklog: Math.max(1, Math.floor((afterMs / 1000) * POSTS_PER_SECOND_PER_CHANNEL)),
    quietMs,
  };
}

function slackClient(config: Pick<Config, 'slack'>, logger: Logger): WebClient {
  return new WebClient(config.slack.botToken, {
    logger: boltLogger(logger),
    ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 10_000,
  });
}
