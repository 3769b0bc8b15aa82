import { isAppError } from '../errors';
import type { Logger } from '../logger';
import type { MessageRef, RenderJob } from '../ports';
import { postToChannel, type RenderDeps } from './render-group';
import type { JobOutcome } from './render-worker';

/**
 * Renders one channel's storm roll-up: posts it once, then updates it in place with the newest state of every
 * line. When every line has resolved the roll-up closes, and the next storm in that channel opens a new one.
 */
export function createRollupRenderer(deps: RenderDeps, log: Logger) {
  return async function renderRollup(job: RenderJob): Promise<JobOutcome> {
    const rollup = await deps.placements.getRollup(job.target.id);
    if (!rollup) return { done: true };
    if (rollup.ref && rollup.renderedVersion >= rollup.version) return { done: true };
    const message = deps.renderRollup(rollup, deps.now());
    const send = { maxWaitMs: 0 };
    let ref: MessageRef;
    let kind: 'posted' | 'updated' = 'updated';
    if (rollup.ref) {
      ref = rollup.ref;
      try {
        await deps.chat.update(ref, message, send);
      } catch (e) {
        if (!isAppError(e) || e.code !== 'SLACK_MESSAGE_NOT_FOUND') throw e;
        log.warn({ rollupId: rollup.id, ...ref }, 'roll-up message gone; posting it again');
        ref = await deps.chat.post(ref.channel, message, send);
        kind = 'posted';
      }
    } else {
      ref = await postToChannel(deps, log, `rollup:${rollup.id}`, rollup.channel, message, send);
      kind = 'posted';
    }
    const firing = rollup.members.filter((g) => g.status === 'firing').length;
    await deps.placements.saveRollup(
      rollup.id,
      ref,
      rollup.version,
      rollup.members.length > 0 && firing === 0,
    );
    deps.metrics?.notified(kind);
    deps.audit.append({
      actor: 'mogo',
      action: 'alert.notified',
      subject: `rollup:${rollup.id}`,
      details: {
        kind,
        channel: ref.channel,
        ts: ref.ts,
        version: rollup.version,
        groups: rollup.members.length,
        firing,
      },
    });
    log.info({ rollupId: rollup.id, kind, groups: rollup.members.length, firing }, `storm roll-up ${kind}`);
    return { done: true };
  };
}
