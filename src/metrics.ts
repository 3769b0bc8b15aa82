import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** Every metric mogo exports; docs/metrics.md lists the same set. One registry per app instance (tests build many). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'mogo_process_' });
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
    help: 'Slack alert messages posted or updated',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const slackFailures = new Counter({
    name: 'mogo_slack_failures_total',
    help: 'Failed Slack calls while rendering alert messages, by error code',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const interactions = new Counter({
    name: 'mogo_slack_interactions_total',
    help: 'Button clicks handled, by action',
    labelNames: ['action'] as const,
    registers: [registry],
  });
  return {
    registry,
    webhookRequests,
    webhookDuration,
    slackMessages,
    slackFailures,
    interactions,
    /** Adapter for the render worker's narrow metrics hook. */
    renderHooks: {
      notified: (kind: 'posted' | 'updated') => slackMessages.inc({ kind }),
      failed: (code: string) => slackFailures.inc({ code }),
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
