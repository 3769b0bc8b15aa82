import { ALERTS_SHOWN, type AlertGroup } from '../domain/group';
import { isAppError } from '../errors';
import type { Logger } from '../logger';
import type {
  AlertStore,
  AuditLog,
  Chat,
  ChatMessage,
  MessageRef,
  Outbox,
  Placements,
  RenderJob,
  Rollup,
  SendOptions,
} from '../ports';
import type { JobOutcome } from './render-worker';

/** When a channel's new lower-priority groups are folded into its roll-up instead of getting messages. */
export interface RollupPolicy {
  /** More first posts than this queued for one channel: they would wait too long, roll them up. */
  maxFirstPostBacklog: number;
  /** An open roll-up keeps taking new groups until it has been quiet this long. */
  quietMs: number;
}

export interface RenderDeps {
  alerts: AlertStore;
  outbox: Outbox;
  placements: Placements;
  audit: AuditLog;
  chat: Chat;
  /** May look things up (the group's rollback state), hence possibly async. */
  render: (group: AlertGroup) => ChatMessage | Promise<ChatMessage>;
  renderRollup: (rollup: Rollup, now: Date) => ChatMessage;
  rollupPolicy: () => RollupPolicy;
  now: () => Date;
  metrics?: {
    notified(kind: 'posted' | 'updated' | 'rolled_up'): void;
    failed(code: string): void;
  };
  /**
   * Where a first post goes when the routed channel does not exist or mogo is not in it (the rules' default
   * channel), and how the message says so; absent: such a post fails and is audited as alert.notify_failed.
   */
  fallback?: { channel(): string; note(message: ChatMessage, intended: string, code: string): ChatMessage };
}

const CHANNEL_UNUSABLE = new Set(['SLACK_CHANNEL_NOT_FOUND', 'SLACK_NOT_IN_CHANNEL']);
const DONE: JobOutcome = { done: true };
/** Another replica is placing the group right now. */
const SOON: JobOutcome = { done: false, retryInMs: 500 };

/** P1s, and groups a rule marks `rollup: never`, always get their own message. */
export const mayRollUp = (group: AlertGroup): boolean =>
  group.routing.priority !== 'P1' && group.routing.rollup !== false;

/**
 * Posts to the routed channel, or to the fallback channel (saying so, audited as alert.rerouted) when the routed
 * one does not exist or mogo is not in it.
 */
export async function postToChannel(
  deps: RenderDeps,
  log: Logger,
  subject: string,
  intended: string,
  message: ChatMessage,
  send: SendOptions,
): Promise<MessageRef> {
  try {
    return await deps.chat.post(intended, message, send);
  } catch (e) {
    const fallback = deps.fallback?.channel();
    if (!isAppError(e) || !CHANNEL_UNUSABLE.has(e.code) || !fallback || fallback === intended) throw e;
    log.warn(
      { subject, intended, fallback, code: e.code },
      'routed channel unusable; posting to the fallback',
    );
    deps.metrics?.failed(e.code);
    deps.audit.append({
      actor: 'mogo',
      action: 'alert.rerouted',
      subject,
      details: { intended, fallback, code: e.code },
    });
    return deps.chat.post(fallback, deps.fallback!.note(message, intended, e.code), send);
  }
}

/** Renders one group job: update its message, or place it (its own message or a roll-up line). */
export function createGroupRenderer(deps: RenderDeps, log: Logger, claimStaleMs: number) {
  async function renderGroup(job: RenderJob): Promise<JobOutcome> {
    // only what the message shows: the first alerts and the counts, however many alerts the group holds
    const group = await deps.alerts.getGroupToShow(job.target.id, ALERTS_SHOWN);
    if (!group) return DONE;
    const send: SendOptions = { urgent: group.routing.priority === 'P1', maxWaitMs: 0 };
    const placement = await deps.placements.get(group.id);
    if (placement?.kind === 'message') {
      if (placement.renderedVersion >= group.version) return DONE;
      await updateMessage(group, placement.ref, await deps.render(group), send);
      return DONE;
    }
    if (placement?.kind === 'rollup' && !placement.closed) {
      if (mayRollUp(group)) {
        await deps.placements.touchRollup(placement.rollupId, group.routing.priority);
        return DONE;
      }
      // escalated out of its roll-up (now a P1): its own message; the job's lease keeps this single
      await postOwn(group, send, { from: `rollup:${placement.rollupId}` });
      return DONE;
    }
    if (!group.routing.notify) return DONE; // digest-only priority: recorded, never posted
    // not placed, or claimed by a replica that may have died: claim() takes over a claim gone stale
    if (!(await deps.placements.claim(group.id, claimStaleMs))) return SOON;
    try {
      if (mayRollUp(group) && (await stormIn(group.routing.channel))) {
        await joinRollup(group);
        return DONE;
      }
      await postOwn(group, send);
      return DONE;
    } catch (e) {
      await deps.placements.releaseClaim(group.id);
      throw e;
    }
  }

  /** The group's own first message, in its routed channel (or the fallback), recorded as its place. */
  async function postOwn(group: AlertGroup, send: SendOptions, extra = {}): Promise<void> {
    const message = await deps.render(group);
    const ref = await postToChannel(deps, log, `group:${group.id}`, group.routing.channel, message, send);
    await deps.placements.saveMessage(group.id, ref, group.version);
    notified(group, ref, 'posted', extra);
  }

  async function stormIn(channel: string): Promise<boolean> {
    const policy = deps.rollupPolicy();
    if (await deps.placements.rollupActive(channel, policy.quietMs)) return true;
    return (await deps.outbox.firstPostBacklog(channel)) > policy.maxFirstPostBacklog;
  }

  async function joinRollup(group: AlertGroup): Promise<void> {
    const channel = group.routing.channel;
    const rollupId = await deps.placements.joinRollup(group.id, channel, group.routing.priority);
    // batched like alert.notified: audit rows in this transaction would take the audit chain's lock while
    // holding the roll-up's row, the opposite order of a webhook's transaction (a deadlock)
    deps.audit.append({
      actor: 'mogo',
      action: 'alert.rolled_up',
      subject: `group:${group.id}`,
      details: { rollup: rollupId, channel, priority: group.routing.priority, version: group.version },
    });
    deps.metrics?.notified('rolled_up');
    log.info({ groupId: group.id, channel, rollupId }, 'storm: group shown in the channel roll-up');
  }

  async function updateMessage(group: AlertGroup, ref: MessageRef, message: ChatMessage, send: SendOptions) {
    try {
      await deps.chat.update(ref, message, send);
    } catch (e) {
      if (!isAppError(e) || e.code !== 'SLACK_MESSAGE_NOT_FOUND') throw e;
      // Someone deleted the alert message: post it again in the same channel rather than going silent.
      log.warn(
        { groupId: group.id, channel: ref.channel, ts: ref.ts },
        'alert message gone; posting it again',
      );
      const again = await deps.chat.post(ref.channel, message, send);
      await deps.placements.saveMessage(group.id, again, group.version);
      notified(group, again, 'posted');
      return;
    }
    await deps.placements.saveMessage(group.id, ref, group.version);
    notified(group, ref, 'updated');
  }

  function notified(group: AlertGroup, ref: MessageRef, kind: 'posted' | 'updated', extra = {}) {
    deps.metrics?.notified(kind);
    deps.audit.append({
      actor: 'mogo',
      action: 'alert.notified',
      subject: `group:${group.id}`,
      details: {
        kind,
        channel: ref.channel,
        ts: ref.ts,
        version: group.version,
        status: group.status,
        ...extra,
      },
    });
    log.info(
      { groupId: group.id, kind, channel: ref.channel, version: group.version },
      `slack message ${kind}`,
    );
  }

  return renderGroup;
}
