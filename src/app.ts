import type { IncomingMessage, ServerResponse } from 'node:http';
import { routeTable } from './app-routes';
import type { Config } from './config';
import { createRouter } from './http/router';
import {
  createIncidentService,
  type IncidentService,
  type IncidentServiceOptions,
} from './incidents/incident-service';
import { type DigestResult, postDigest } from './incidents/post-digest';
import { receiveNotification } from './incidents/receive-notification';
import type { RollupPolicy } from './incidents/render-group';
import { createRenderWorker, type RenderWorker, type RenderWorkerDeps } from './incidents/render-worker';
import { DEFAULT_ROLLBACK_OPTIONS, type RollbackDeps, type RollbackOptions } from './incidents/rollback/deps';
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
  Clock,
  DigestStore,
  IncidentStore,
  Outbox,
  Placements,
  RollbackStore,
  RulesProvider,
} from './ports';
import type { RollbackTargetConfig } from './rollback/config-schema';
import type { Deployer } from './rollback/deployer';
import type { RuleSet } from './rules';
import { runWhileReady, type WorkGate } from './schema-guard';
import { registerAlertButtons } from './slack/actions/alert-buttons';
import { registerRollbackActions } from './slack/actions/rollback-actions';
import { registerRollupActions } from './slack/actions/rollup-actions';
import { withFallbackNote } from './slack/blocks/fallback-note';
import { INCIDENT_WORDS } from './slack/blocks/incident';
import { renderRollup } from './slack/blocks/rollup';
import { type ConsoleOptions, createIncidentConsole, type IncidentConsole } from './slack/console';
import { registerIncidentSurface } from './slack/incident-surface';
import { answerWhileNotReady } from './slack/not-ready-answer';
import { createOncallFeatures, type OncallFeatures, type OncallStores } from './slack/oncall-features';
import { POSTS_PER_SECOND_PER_CHANNEL } from './slack/rate-limits';
import type { SlackSurface } from './slack/surface';

/** Every adapter is built by the caller (main.ts, or a test with fakes); createApp only wires. */
export interface AppDeps {
  config: Pick<Config, 'webhook' | 'rollback' | 'digest' | 'oncall' | 'incidents'>;
  logger: Logger;
  alerts: AlertStore;
  audit: AuditLog;
  outbox: Outbox;
  placements: Placements;
  rules: RulesProvider;
  clock: Clock;
  rollbacks: RollbackStore;
  digests: DigestStore;
  incidents: IncidentStore;
  /** Incident set-up worker and reminder timings (tests). */
  incidentOptions?: IncidentServiceOptions;
  /** The Slack adapters for the configured mode (createSlackSurface). */
  slack: SlackSurface;
  /** A group's Slack message (createAlertRenderer). */
  render: RenderWorkerDeps['render'];
  /** The backend of a rollback target; built in the composition root, where secrets come from the environment. */
  deployerFor: (target: RollbackTargetConfig) => Deployer;
  /** Resolves when storage answers; /readyz uses it. */
  ping: () => Promise<void>;
  /**
   * Dependencies that are down without stopping delivery (Redis: the outbox and its leases live in PostgreSQL).
   * /readyz stays 200 and names them, so replicas keep taking webhooks instead of all leaving the Service at once.
   */
  degraded?: () => Promise<string[]>;
  /**
   * Whether this replica may take work (the schema guard, main.ts). While it says not ready, /readyz answers 503,
   * the webhook 503, Slack requests a polite refusal, and the workers and schedules are stopped; they start
   * again when it says ready. Absent: always ready.
   */
  gate?: WorkGate;
  /** Override rollback timings (tests); approval TTL and timeout come from config.rollback. */
  rollbackOptions?: Partial<RollbackOptions>;
  /** Cron expression of the rollback sweep (default every 15 s); false: only at start-up (tests sweep by hand). */
  rollbackSweep?: string | false;
  /** false: no digest schedule whatever config.digest says (tests call app.digest.runNow()). */
  digestSchedule?: false;
  metrics?: Metrics;
  /** The incident console's read cache and real silences (createIncidentConsole). */
  console: ConsoleOptions;
  /** Escalation steps and report jobs (PostgreSQL). */
  oncall: OncallStores;
  /** Escalation check schedule instead of config's; false: none (tests call app.oncall.escalation.runNow()). */
  escalationSchedule?: string | false;
}

export interface MogoApp {
  /** The whole HTTP surface: webhook, Slack events (HTTP mode), health and metrics. */
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  worker: RenderWorker;
  metrics: Metrics;
  incidents: IncidentService;
  rollbacks: {
    runner: RollbackRunner;
    /** Expires unapproved requests and reports rollbacks whose process is gone (also runs on a schedule). */
    sweep(): Promise<{ expired: number; interrupted: number }>;
  };
  digest: {
    /** Runs the digest now for the period starting at `at` (default: the clock's now), as a tick would. */
    runNow(at?: Date): Promise<DigestResult>;
  };
  console: Pick<IncidentConsole, 'poller'>;
  /** Escalation and reports (runNow for tests and the CLI). */
  oncall: OncallFeatures;
  /**
   * Starts background work (render worker, set-up worker, schedules; paused while the gate says not ready) and
   * the Socket Mode connection; the caller owns listen().
   */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Wires the use cases to their transports. Never reads the environment and never listens (build apart from run). */
export function createApp(deps: AppDeps): MogoApp {
  const { config, logger, clock, slack } = deps;
  const metrics = deps.metrics ?? createMetrics();
  const worker = createRenderWorker({
    alerts: deps.alerts,
    outbox: deps.outbox,
    placements: deps.placements,
    audit: deps.audit,
    chat: slack.chat,
    renderRollup,
    rollupPolicy: () => rollupPolicyOf(deps.rules.current()),
    now: () => clock.now(),
    render: deps.render,
    logger,
    metrics: metrics.renderHooks,
    fallback: { channel: () => deps.rules.current().defaults.channel, note: withFallbackNote },
  });
  const onChanged = () => worker.kick();
  const rollback = rollbackDeps(deps, metrics, onChanged);
  const runner = createRollbackRunner(rollback);
  const sweep = () => sweepRollbacks(rollback, runner);
  const digest = (periodStart: Date) =>
    postDigest({ digests: deps.digests, publisher: slack.digests, audit: deps.audit, logger }, periodStart);
  const oncall = createOncallFeatures({
    ...deps.oncall,
    config: config.oncall,
    alerts: deps.alerts,
    placements: deps.placements,
    audit: deps.audit,
    rules: deps.rules,
    clock,
    logger,
    chat: slack.chat,
    metrics: metrics.oncallHooks,
    ...(deps.escalationSchedule === undefined ? {} : { escalationSchedule: deps.escalationSchedule }),
  });
  const incidents = createIncidentService(
    {
      ...deps,
      chat: slack.chat,
      directory: slack.directory,
      settings: config.incidents,
      words: INCIDENT_WORDS,
    },
    deps.incidentOptions,
  );
  let sweepJob: ReturnType<typeof scheduleRollbackSweep> | undefined;
  let digestJob: ReturnType<typeof scheduleDigest> | undefined;

  if (slack.bolt) {
    const { chat } = slack;
    if (deps.gate) answerWhileNotReady(slack.bolt, deps.gate.notReady, logger);
    const access = { rules: deps.rules, directory: slack.directory };
    const actionDeps = { alerts: deps.alerts, clock, chat, logger, metrics, onChanged, access };
    registerAlertButtons(slack.bolt, actionDeps);
    registerRollupActions(slack.bolt, { ...actionDeps, placements: deps.placements });
    registerRollbackActions(slack.bolt, { rollback, runner, chat, metrics });
    registerIncidentSurface(slack.bolt, {
      incidents,
      alerts: deps.alerts,
      chat,
      logger,
      placements: deps.placements,
    });
  }
  const incidentConsole = createIncidentConsole(
    slack.bolt,
    {
      ...deps,
      chat: slack.chat,
      directory: slack.directory,
      metrics,
      rollback,
      runner,
      onChanged,
      reports: oncall.reports,
      incidents,
    },
    deps.console,
  );
  const webhook = createWebhookRoute({
    auth: { token: config.webhook.token, loopbackOnly: !config.webhook.allowUnauthenticated },
    bodyLimit: config.webhook.bodyLimit,
    receive: (n) => receiveNotification({ alerts: deps.alerts, rules: deps.rules, clock }, n),
    audit: deps.audit,
    logger,
    metrics,
    onChanged,
    ...(deps.gate ? { notReady: deps.gate.notReady } : {}),
  });

  // Everything that writes or renders on its own: paused while the gate says not ready.
  const work = runWhileReady(deps.gate, logger, {
    async start() {
      worker.start();
      incidentConsole.start();
      incidents.start();
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
      oncall.start();
    },
    async stop() {
      await sweepJob?.stop();
      await digestJob?.stop();
      await incidentConsole.stop();
      await oncall.stop();
      await worker.stop();
      await incidents.stop();
    },
  });

  return {
    handler: createRouter(routeTable(deps, metrics, webhook), logger),
    worker,
    metrics,
    incidents,
    rollbacks: { runner, sweep },
    digest: { runNow: (at = clock.now()) => digest(at) },
    console: incidentConsole,
    oncall,
    async start() {
      await work.start();
      await slack.start();
    },
    async stop() {
      await slack.stop();
      // schedules first, so the sweep never looks at a runner that is stopping
      await work.stop();
      await runner.stop();
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

function rollbackDeps(deps: AppDeps, metrics: Metrics, onChanged: () => void): RollbackDeps {
  return {
    alerts: deps.alerts,
    rollbacks: deps.rollbacks,
    audit: deps.audit,
    notifier: deps.slack.notifier,
    directory: deps.slack.directory,
    rules: deps.rules,
    clock: deps.clock,
    deployerFor: deps.deployerFor,
    logger: deps.logger,
    onChanged,
    metrics: metrics.rollbackHooks,
    options: {
      ...DEFAULT_ROLLBACK_OPTIONS,
      approvalTtlMs: deps.config.rollback.approvalTtlMs,
      timeoutMs: deps.config.rollback.timeoutMs,
      ...deps.rollbackOptions,
    },
  };
}
