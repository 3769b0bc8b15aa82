import { randomUUID } from 'node:crypto';
import type { AlertGroup } from '../domain/group';
import { asAppError, isAppError } from '../errors';
import type { Logger } from '../logger';
import type { AlertStore, AuditLog, Chat, ChatMessage, Locks, MessageRef, RenderJob } from '../ports';

export interface RenderWorkerDeps {
  alerts: AlertStore;
  audit: AuditLog;
  chat: Chat;
  locks: Locks;
  /** May look things up (the group's rollback state), hence possibly async. */
  render: (group: AlertGroup) => ChatMessage | Promise<ChatMessage>;
  logger: Logger;
  metrics?: { notified(kind: 'posted' | 'updated'): void; failed(code: string): void };
  /**
   * Where a first post goes when the routed channel does not exist or mogo is not in it (the rules' default
   * channel), and how the message says so; absent: such a post fails and is audited as alert.notify_failed.
   */
  fallback?: { channel(): string; note(message: ChatMessage, intended: string, code: string): ChatMessage };
}

const CHANNEL_UNUSABLE = new Set(['SLACK_CHANNEL_NOT_FOUND', 'SLACK_NOT_IN_CHANNEL']);

export interface RenderWorkerOptions {
  concurrency?: number;
  idlePollMs?: number;
  leaseMs?: number;
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

/**
 * Posts and updates the Slack message of each group off the webhook's request path. Jobs live in the database
 * (see AlertStore), so a crash or restart loses none; a per-group lock keeps two replicas from rendering the
 * same group at once, and the message always shows the newest state (older renders are superseded).
 */
export function createRenderWorker(deps: RenderWorkerDeps, opts: RenderWorkerOptions = {}): RenderWorker {
  const concurrency = opts.concurrency ?? 4;
  const idlePollMs = opts.idlePollMs ?? 500;
  const leaseMs = opts.leaseMs ?? 60_000;
  const maxBackoffMs = opts.maxBackoffMs ?? 5 * 60_000;
  const owner = `render-${randomUUID()}`;
  const log = deps.logger.child({ module: 'render-worker' });
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
    const job = await deps.alerts.takeRenderJob(leaseMs);
    if (!job) return false;
    await processJob(job);
    return true;
  }

  async function processJob(job: RenderJob): Promise<void> {
    const lock = await deps.locks.acquire(`render:${job.groupId}`, owner, leaseMs).catch((err) => {
      log.warn({ err, groupId: job.groupId }, 'lock service unavailable; retrying render later');
      return null;
    });
    if (!lock) {
      await deps.alerts.retryRenderJob(job, 250);
      return;
    }
    try {
      if ((await renderGroup(job)) === 'done') await deps.alerts.completeRenderJob(job);
      else await deps.alerts.retryRenderJob(job, 500);
    } catch (e) {
      const err = asAppError(e);
      if (err.retryable) {
        const retryAfterMs = Number(err.details?.retryAfterSeconds ?? 0) * 1000;
        const delay = Math.max(
          retryAfterMs,
          Math.min(maxBackoffMs, 1000 * 2 ** Math.min(job.attempts - 1, 16)),
        );
        log.warn({ err, groupId: job.groupId, attempts: job.attempts, delay }, 'render failed; will retry');
        deps.metrics?.failed(err.code);
        await deps.alerts.retryRenderJob(job, delay);
      } else {
        log.error({ err, groupId: job.groupId }, 'render failed for good; the message was not sent');
        deps.metrics?.failed(err.code);
        deps.audit.append({
          actor: 'mogo',
          action: 'alert.notify_failed',
          subject: `group:${job.groupId}`,
          details: { code: err.code, error: err.message, attempts: job.attempts },
        });
        await deps.alerts.completeRenderJob(job);
      }
    } finally {
      await lock.release().catch((err) => log.warn({ err }, 'could not release render lock'));
    }
  }

  /** 'retry' when another replica holds the first-post claim right now. */
  async function renderGroup(job: RenderJob): Promise<'done' | 'retry'> {
    const group = await deps.alerts.getGroup(job.groupId);
    if (!group) return 'done';
    const existing = await deps.alerts.getMessage(group.id);
    if (existing) {
      if (existing.renderedVersion >= group.version) return 'done';
      const message = await deps.render(group);
      try {
        await deps.chat.update(existing, message);
      } catch (e) {
        if (!isAppError(e) || e.code !== 'SLACK_MESSAGE_NOT_FOUND') throw e;
        // Someone deleted the alert message: post it again in the same channel rather than going silent.
        log.warn(
          { groupId: group.id, channel: existing.channel, ts: existing.ts },
          'alert message gone; posting it again',
        );
        const ref = await deps.chat.post(existing.channel, message);
        await deps.alerts.saveMessage(group.id, ref, group.version);
        notified(group, ref, 'posted');
        return 'done';
      }
      await deps.alerts.saveMessage(group.id, existing, group.version);
      notified(group, existing, 'updated');
      return 'done';
    }
    if (!group.routing.notify) return 'done'; // digest-only priority: recorded, never posted
    if (!(await deps.alerts.claimMessage(group.id, leaseMs))) return 'retry';
    let ref: Awaited<ReturnType<Chat['post']>>;
    try {
      ref = await postFirst(group, await deps.render(group));
    } catch (e) {
      await deps.alerts.releaseClaim(group.id);
      throw e;
    }
    await deps.alerts.saveMessage(group.id, ref, group.version);
    notified(group, ref, 'posted');
    return 'done';
  }

  /** Posts to the routed channel, or to the fallback channel when the routed one cannot take it. */
  async function postFirst(group: AlertGroup, message: ChatMessage): Promise<MessageRef> {
    const intended = group.routing.channel;
    try {
      return await deps.chat.post(intended, message);
    } catch (e) {
      const fallback = deps.fallback?.channel();
      if (!isAppError(e) || !CHANNEL_UNUSABLE.has(e.code) || !fallback || fallback === intended) throw e;
      log.warn(
        { groupId: group.id, intended, fallback, code: e.code },
        'routed channel unusable; posting to the fallback',
      );
      deps.metrics?.failed(e.code);
      deps.audit.append({
        actor: 'mogo',
        action: 'alert.rerouted',
        subject: `group:${group.id}`,
        details: { intended, fallback, code: e.code },
      });
      return deps.chat.post(fallback, deps.fallback!.note(message, intended, e.code));
    }
  }

  function notified(group: AlertGroup, ref: { channel: string; ts: string }, kind: 'posted' | 'updated') {
    deps.metrics?.notified(kind);
    deps.audit.append({
      actor: 'mogo',
      action: 'alert.notified',
      subject: `group:${group.id}`,
      details: { kind, channel: ref.channel, ts: ref.ts, version: group.version, status: group.status },
    });
    log.info(
      { groupId: group.id, kind, channel: ref.channel, version: group.version },
      `slack message ${kind}`,
    );
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
