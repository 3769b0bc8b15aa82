/**
 * Reports off the request path: a request queues a job and returns at once; a worker on every replica takes
 * due jobs one at a time under a lease (one worker per job across replicas), builds the report from the rows
 * and hands it to the ReportDelivery. A job whose worker crashed is taken again when its lease ends; a job
 * that keeps failing is given up after MAX_ATTEMPTS.
 */
import { buildReport, type Report } from '../../domain/report';
import { isAppError } from '../../errors';
import type { Logger } from '../../logger';
import type { Clock, ReportDelivery, ReportJob, ReportJobs, ReportRequest, ReportSource } from '../../ports';
import { parseDuration } from '../../rules/time';

export interface ReportDeps {
  jobs: ReportJobs;
  source: ReportSource;
  delivery: ReportDelivery;
  clock: Clock;
  logger: Logger;
  metrics?: { reportFinished(outcome: 'delivered' | 'retried' | 'failed'): void };
}

export const DEFAULT_PERIOD_MS = 7 * 86_400_000;
const MAX_PERIOD_MS = 366 * 86_400_000;
export const MAX_ATTEMPTS = 3;
const LEASE_MS = 5 * 60_000;

export type PeriodResult = { since: Date; until: Date } | { error: 'invalid' | 'too_long' };

/** "7d", "24h", "2w" (ending now), or "" for the default 7 days. */
export function parsePeriod(text: string | undefined, now: Date): PeriodResult {
  const t = (text ?? '').trim();
  const ms = t === '' ? DEFAULT_PERIOD_MS : parseDuration(t);
  if (typeof ms !== 'number') return { error: 'invalid' };
  if (ms > MAX_PERIOD_MS) return { error: 'too_long' };
  return { since: new Date(now.getTime() - ms), until: now };
}

/** Builds the report of a period now (the CLI, and the worker once it holds a job). */
export async function buildReportFor(source: ReportSource, since: Date, until: Date): Promise<Report> {
  return buildReport(await source.fetch(since, until));
}

/** Queues a report; 'duplicate' when a scheduled one for the same key is queued already. */
export async function requestReport(
  deps: Pick<ReportDeps, 'jobs' | 'clock'>,
  request: ReportRequest,
): Promise<{ kind: 'queued'; id: string } | { kind: 'duplicate' }> {
  const queued = await deps.jobs.enqueue(request, deps.clock.now());
  return queued ? { kind: 'queued', id: queued.id } : { kind: 'duplicate' };
}

/**
 * The weekly report of each channel, for the 7 days up to `now`'s minute. Replicas ticking together agree on
 * the minute, so the dedup key queues one report per channel and week.
 */
export async function queueWeeklyReports(
  request: (r: ReportRequest) => Promise<unknown>,
  channels: readonly string[],
  now: Date,
): Promise<void> {
  const until = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
  const since = new Date(until.getTime() - DEFAULT_PERIOD_MS);
  for (const channel of channels)
    await request({
      requestedBy: 'mogo',
      deliverTo: channel,
      since,
      until,
      dedupKey: `weekly:${channel}:${until.toISOString()}`,
    });
}

/** Takes and runs due jobs until none is left; returns how many were delivered. */
export async function runDueReports(deps: ReportDeps): Promise<number> {
  let delivered = 0;
  for (;;) {
    const job = await deps.jobs.take(LEASE_MS, deps.clock.now());
    if (!job) return delivered;
    if (await runJob(deps, job)) delivered++;
  }
}

async function runJob(deps: ReportDeps, job: ReportJob): Promise<boolean> {
  const log = deps.logger.child({ module: 'report-worker', job: job.id });
  if (job.attempts > MAX_ATTEMPTS) {
    await deps.jobs.fail(job.id, 'gave up: its worker stopped each time', null, deps.clock.now());
    deps.metrics?.reportFinished('failed');
    log.error({ attempts: job.attempts }, 'report given up');
    return false;
  }
  try {
    const report = await buildReportFor(deps.source, job.since, job.until);
    await deps.delivery.deliver(job, report);
    await deps.jobs.complete(job.id, deps.clock.now());
    deps.metrics?.reportFinished('delivered');
    log.info({ deliverTo: job.deliverTo, groups: report.totals.groups }, 'report delivered');
    return true;
  } catch (err) {
    const retryable = !isAppError(err) || err.retryable;
    const again = retryable && job.attempts < MAX_ATTEMPTS;
    const message = err instanceof Error ? err.message : String(err);
    await deps.jobs.fail(job.id, message, again ? 30_000 * job.attempts : null, deps.clock.now());
    deps.metrics?.reportFinished(again ? 'retried' : 'failed');
    log.warn(
      { err, attempts: job.attempts, again },
      again ? 'report failed; it is retried' : 'report failed',
    );
    return false;
  }
}

export interface ReportWorker {
  start(): void;
  /** Looks for due jobs now (a request was just queued). */
  kick(): void;
  stop(): Promise<void>;
}

/** Runs due reports when kicked and every `pollMs` (jobs queued by other replicas, leases that ran out). */
export function createReportWorker(deps: ReportDeps, pollMs = 15_000): ReportWorker {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  const run = (): void => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = runDueReports(deps)
      .then(
        () => undefined,
        (err) => deps.logger.error({ err }, 'report worker failed; it runs again'),
      )
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          run();
        }
      });
  };
  return {
    start() {
      stopped = false;
      timer = setInterval(run, pollMs);
      timer.unref();
      run();
    },
    kick: run,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
