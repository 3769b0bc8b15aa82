/**
 * Escalation, reports and the weekly report, wired once for the app: the use cases with their Slack adapters
 * (thread replies, file uploads) and their schedules. app.ts builds it and passes what the commands need.
 */
import type { Config } from '../config';
import { type EscalationResult, escalateGroups } from '../incidents/escalate';
import {
  createReportWorker,
  queueWeeklyReports,
  requestReport,
  runDueReports,
} from '../incidents/report/run';
import { type Job, scheduleTask } from '../jobs/cron-task';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type {
  AlertStore,
  AuditLog,
  Chat,
  Clock,
  EscalationStore,
  Placements,
  ReportJobs,
  ReportRequest,
  ReportSource,
  RulesProvider,
} from '../ports';
import { createSlackEscalationNotifier } from './escalation-notifier';
import { createSlackReportDelivery } from './report-delivery';

/** The storage escalation and reports need (PostgreSQL or PGlite). */
export interface OncallStores {
  escalations: EscalationStore;
  reportJobs: ReportJobs;
  reportSource: ReportSource;
}

export interface OncallFeatureDeps extends OncallStores {
  config: Config['oncall'];
  alerts: AlertStore;
  placements: Placements;
  audit: AuditLog;
  rules: RulesProvider;
  clock: Clock;
  logger: Logger;
  chat: Chat;
  /** Overrides config's escalation schedule; false: only runNow() (tests). */
  escalationSchedule?: string | false;
  metrics?: Metrics['oncallHooks'];
  /** How often the report worker looks for jobs queued elsewhere (default 15 s). */
  reportPollMs?: number;
}

export interface OncallFeatures {
  escalation: { runNow(at?: Date): Promise<EscalationResult> };
  reports: { request(request: ReportRequest): Promise<unknown>; runNow(): Promise<void> };
  start(): void;
  stop(): Promise<void>;
}

export function createOncallFeatures(deps: OncallFeatureDeps): OncallFeatures {
  const { clock, logger } = deps;
  const escalationDeps = {
    alerts: deps.alerts,
    placements: deps.placements,
    steps: deps.escalations,
    notifier: createSlackEscalationNotifier(deps.chat),
    audit: deps.audit,
    rules: deps.rules,
    logger: logger.child({ module: 'escalation' }),
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
  };
  const reportDeps = {
    jobs: deps.reportJobs,
    source: deps.reportSource,
    delivery: createSlackReportDelivery(deps.chat),
    clock,
    logger,
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
  };
  const worker = createReportWorker(reportDeps, deps.reportPollMs);
  const request = async (r: ReportRequest) => {
    const outcome = await requestReport(reportDeps, r);
    worker.kick();
    return outcome;
  };
  const jobs: Job[] = [];
  return {
    escalation: { runNow: (at = clock.now()) => escalateGroups(escalationDeps, at) },
    reports: {
      request,
      runNow: async () => void (await runDueReports(reportDeps)),
    },
    start() {
      worker.start();
      const schedule = deps.escalationSchedule ?? deps.config.escalationSchedule ?? false;
      if (schedule !== false)
        jobs.push(
          scheduleTask('escalation', () => escalateGroups(escalationDeps, clock.now()), logger, schedule),
        );
      const weekly = deps.config.weeklyReport;
      if (weekly)
        jobs.push(
          scheduleTask(
            'weekly-report',
            () => queueWeeklyReports(request, weekly.channels, clock.now()),
            logger,
            weekly.schedule,
            weekly.timeZone,
          ),
        );
    },
    async stop() {
      for (const j of jobs.splice(0)) await j.stop();
      await worker.stop();
    },
  };
}
