import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { registerStateGauges, type StateSources } from './metrics-state';

export type { StateSources };

/**
 * prom-client's defaults that are gauges named `…_total`, which `promtool check metrics` refuses (a `_total`
 * suffix promises a counter). Everything else of the defaults keeps its standard name (process_*, nodejs_*), so
 * stock Node.js dashboards work.
 */
const NON_COUNTER_TOTALS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

export interface MetricsOptions {
  /** Scrape-time readings of state (outbox, open groups, audit buffer, database and Redis reachability). */
  sources?: StateSources;
  /** For mogo_build_info; default: package.json's version. */
  version?: string;
}

/** Every metric mogo exports; docs/metrics.md lists the same set. One registry per app instance (tests build many). */
export function createMetrics(opts: MetricsOptions = {}) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  for (const name of NON_COUNTER_TOTALS) registry.removeSingleMetric(name);
  registerStateGauges(registry, opts);
  const webhookRequests = new Counter({
    name: 'mogo_webhook_requests_total',
    help: 'Alertmanager webhook requests by HTTP status and outcome',
    labelNames: ['status', 'outcome'] as const,
    registers: [registry],
  });
  const webhookDuration = new Histogram({
    name: 'mogo_webhook_duration_seconds',
    help: 'Time to validate and durably record one Alertmanager notification',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const slackMessages = new Counter({
    name: 'mogo_slack_messages_total',
    help: 'Slack alert messages and storm roll-ups posted or updated, and groups rolled up, by kind',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const slackFailures = new Counter({
    name: 'mogo_slack_failures_total',
    help: 'Failed Slack calls while rendering alert messages, by error code',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const slackCalls = new Counter({
    name: 'mogo_slack_api_calls_total',
    help: "Slack Web API calls by method and outcome: ok, ratelimited (Slack answered 429), deferred (held back by mogo's budget, not sent), error",
    labelNames: ['method', 'outcome'] as const,
    registers: [registry],
  });
  const slackCallDuration = new Histogram({
    name: 'mogo_slack_api_call_duration_seconds',
    help: 'Time of Slack Web API calls sent, by method (waiting for the budget included)',
    labelNames: ['method'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
    registers: [registry],
  });
  const interactions = new Counter({
    name: 'mogo_slack_interactions_total',
    help: 'Button clicks, dialog submissions and /incident commands handled, by action or callback id',
    labelNames: ['action'] as const,
    registers: [registry],
  });
  const rollbackDecisions = new Counter({
    name: 'mogo_rollback_decisions_total',
    help: 'Rollback requests by decision: requested, approved, denied, busy, cancelled, expired',
    labelNames: ['decision'] as const,
    registers: [registry],
  });
  const rollbacks = new Counter({
    name: 'mogo_rollbacks_total',
    help: 'Rollbacks that ran, by backend and result: succeeded, failed, interrupted',
    labelNames: ['backend', 'result'] as const,
    registers: [registry],
  });
  const rollbackDuration = new Histogram({
    name: 'mogo_rollback_duration_seconds',
    help: 'Time from start to result of a rollback, by backend and result',
    labelNames: ['backend', 'result'] as const,
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800],
    registers: [registry],
  });
  const rulesReloads = new Counter({
    name: 'mogo_rules_reloads_total',
    help: 'Rule reloads (file change or SIGHUP) that changed the rules in force (ok) or were rejected',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  const escalations = new Counter({
    name: 'mogo_escalation_steps_total',
    help: 'Escalation steps told in a group thread, by kind: escalated (unacknowledged), reminded (acknowledged, still firing)',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const reports = new Counter({
    name: 'mogo_reports_total',
    help: 'Report jobs finished by the worker, by outcome: delivered, retried, failed',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const schemaVersion = new Gauge({
    name: 'mogo_schema_version',
    help: 'Database schema version: the last migration this mogo ships (of="code") and the one the database has applied (of="database")',
    labelNames: ['of'] as const,
    registers: [registry],
  });
  const schemaAhead = new Gauge({
    name: 'mogo_schema_ahead',
    help: '1 while the database schema is newer than this mogo (an upgrade is rolling out): the replica takes no work, else 0',
    registers: [registry],
  });
  return {
    registry,
    /** Adapter for the schema guard: the versions it read. */
    schemaHooks: {
      observed: (code: number, database: number) => {
        schemaVersion.set({ of: 'code' }, code);
        schemaVersion.set({ of: 'database' }, database);
        schemaAhead.set(database > code ? 1 : 0);
      },
    },
    webhookRequests,
    webhookDuration,
    slackMessages,
    slackFailures,
    interactions,
    rollbackDecisions,
    rollbacks,
    rollbackDuration,
    /** Adapter for the rollback use cases' narrow metrics hook. */
    rollbackHooks: {
      decided: (decision: string) => rollbackDecisions.inc({ decision }),
      finished: (backend: string, result: string, seconds: number) => {
        rollbacks.inc({ backend, result });
        rollbackDuration.observe({ backend, result }, seconds);
      },
    },
    rulesReloads,
    /** Adapter for the rules reloader's narrow metrics hook. */
    rulesHooks: { reloaded: (result: 'ok' | 'rejected') => rulesReloads.inc({ result }) },
    /** Adapter for the Slack chat adapter's per-call hook. */
    slackHooks: {
      call: (method: string, outcome: string, seconds: number) => {
        slackCalls.inc({ method, outcome });
        if (outcome !== 'deferred') slackCallDuration.observe({ method }, seconds);
      },
    },
    /** Adapter for escalation's and the report worker's narrow metrics hooks. */
    oncallHooks: {
      stepTold: (kind: 'escalated' | 'reminded') => escalations.inc({ kind }),
      reportFinished: (outcome: 'delivered' | 'retried' | 'failed') => reports.inc({ outcome }),
    },
    /** Adapter for the render worker's narrow metrics hook. */
    renderHooks: {
      notified: (kind: 'posted' | 'updated' | 'rolled_up') => slackMessages.inc({ kind }),
      failed: (code: string) => slackFailures.inc({ code }),
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
