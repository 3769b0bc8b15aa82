import { asAppError } from '../errors';
import type { Logger } from '../logger';
import type { AuditLog, Outbox, RenderJob } from '../ports';
import { createGroupRenderer, type RenderDeps } from './render-group';
import { createRollupRenderer } from './render-rollup';

export type { RenderDeps } from './render-group';

export interface RenderWorkerDeps extends RenderDeps {
  outbox: Outbox;
  audit: AuditLog;
  logger: Logger;
}

export interface RenderWorkerOptions {
  concurrency?: number;
  idlePollMs?: number;
  leaseMs?: number;
  /** Cap of the back-off after failures (5xx, network); Slack's Retry-After and budget waits don't back off. */
  maxBackoffMs?: number;
}

export interface RenderWorker {
  start(): void;
  /** Wake the worker now (a job was just queued) instead of waiting for the next poll. */
  kick(): void;
  /** Runs until no job is due; for tests and the CLI. */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

/** What one job came to: done (remove it), or come back later without counting a failure. */
export type JobOutcome = { done: true } | { done: false; retryInMs: number };

/**
 * Posts and updates Slack messages off the webhook's request path, most pressing first. Jobs live in the
 * database (see Outbox), so a crash or restart loses none, and each is leased to one worker at a time. Calls
 * are scheduled inside Slack's limits: a call the shared budget holds back, or one Slack answers 429, puts its
 * job back for exactly that long without counting it as a failure, and the worker takes the next most
 * pressing job meanwhile. Only real failures (5xx, network) back off, capped and jittered.
 */
export function createRenderWorker(deps: RenderWorkerDeps, opts: RenderWorkerOptions = {}): RenderWorker {
  const concurrency = opts.concurrency ?? 4;
  const idlePollMs = opts.idlePollMs ?? 250;
  // Short, so a replica killed mid-job hands its work on within seconds; longer than any one job's Slack calls
  // (the client gives up after 5 s), and a first post is claimed besides, so a slow job is never posted twice.
  const leaseMs = opts.leaseMs ?? 10_000;
  const maxBackoffMs = opts.maxBackoffMs ?? 60_000;
  const log = deps.logger.child({ module: 'render-worker' });
  const renderGroup = createGroupRenderer(deps, log, leaseMs);
  const renderRollup = createRollupRenderer(deps, log);
  let running = false;
  let active = 0;
  let timer: NodeJS.Timeout | undefined;
  const inflight = new Set<Promise<void>>();

  // One taker per wake-up; a taker that found work wakes two more, ramping up to `concurrency`.
  const loop = () => {
    if (!running || active >= concurrency) return;
    active++;
    const p: Promise<void> = runOne()
      .then(
        (didWork) => {
          active--;
          if (didWork) {
            loop();
            loop();
          }
        },
        (err) => {
          active--;
          log.error({ err }, 'render worker could not take a job; will poll again');
        },
      )
      .finally(() => inflight.delete(p));
    inflight.add(p);
  };

  async function runOne(): Promise<boolean> {
    const job = await deps.outbox.take(leaseMs);
    if (!job) return false;
    await processJob(job);
    return true;
  }

  async function processJob(job: RenderJob): Promise<void> {
    const subject = `${job.target.kind}:${job.target.id}`;
    try {
      const outcome = job.target.kind === 'group' ? await renderGroup(job) : await renderRollup(job);
      if (outcome.done) await deps.outbox.complete(job);
      else await deps.outbox.postpone(job, outcome.retryInMs);
    } catch (e) {
      const err = asAppError(e);
      if (err.code === 'SLACK_RATE_LIMITED') {
        const wait = Number(err.details?.retryAfterMs ?? 1000);
        log.debug({ subject, priority: job.priority, wait }, 'Slack budget says wait; postponed');
        await deps.outbox.postpone(job, wait + Math.floor(Math.random() * 50));
        return;
      }
      deps.metrics?.failed(err.code);
      if (err.retryable) {
        const cap = Math.min(maxBackoffMs, 1000 * 2 ** Math.min(job.attempts - 1, 16));
        const delay = Math.round(cap / 2 + (Math.random() * cap) / 2);
        log.warn({ err, subject, attempts: job.attempts, delay }, 'render failed; will retry');
        await deps.outbox.retry(job, delay);
        return;
      }
      log.error({ err, subject }, 'render failed for good; the message was not sent');
      deps.audit.append({
        actor: 'mogo',
        action: 'alert.notify_failed',
        subject,
        details: { code: err.code, error: err.message, attempts: job.attempts },
      });
      await deps.outbox.complete(job);
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      timer = setInterval(loop, idlePollMs);
      timer.unref();
      loop();
    },
    kick() {
      if (running) loop();
    },
    async drain() {
      while (await runOne()) {
        /* keep going */
      }
    },
    async stop() {
      running = false;
      if (timer) clearInterval(timer);
      await Promise.allSettled([...inflight]);
    },
  };
}
