import type { KnownBlock, ModalView } from '@slack/web-api';
import type { AlertGroup } from '../../domain/group';
import type { RollbackTargetConfig } from '../../rollback/config-schema';
import type { RollbackPlan } from '../../rollback/deployer';
import { CALLBACK_IDS } from './action-ids';
import { escapeEntities, escapeText, truncate } from './mrkdwn';

/**
 * What the confirmation dialog carries back in private_metadata. Never identity: the submitting user is the
 * one Slack signs for. The target is checked against the group again on submit.
 */
export interface RollbackDialogMeta {
  groupId: string;
  target: string;
  requestId: string;
  /** The plan the dialog showed, recorded with the request. */
  plan: string | null;
  /** Why, as typed after `/incident rollback <target>`; recorded with the request. */
  reason?: string;
}

const PRIVATE_METADATA_MAX = 3000;

export function encodeDialogMeta(meta: RollbackDialogMeta): string {
  const plan = meta.plan === null ? null : truncate(meta.plan, 1000);
  const why = meta.reason ? { w: truncate(meta.reason, 500) } : {};
  const out = JSON.stringify({ g: meta.groupId, t: meta.target, r: meta.requestId, p: plan, ...why });
  return out.length <= PRIVATE_METADATA_MAX ? out : JSON.stringify({ ...JSON.parse(out), p: null });
}

/** null for anything that is not metadata mogo wrote. */
export function decodeDialogMeta(raw: string | undefined): RollbackDialogMeta | null {
  try {
    const m = JSON.parse(raw ?? '');
    if (typeof m?.g !== 'string' || typeof m.t !== 'string' || typeof m.r !== 'string') return null;
    return {
      groupId: m.g,
      target: m.t,
      requestId: m.r,
      plan: typeof m.p === 'string' ? m.p : null,
      ...(typeof m.w === 'string' ? { reason: m.w } : {}),
    };
  } catch {
    return null;
  }
}

interface DialogInput {
  meta: RollbackDialogMeta;
  target: RollbackTargetConfig;
  group: AlertGroup;
  /** Minutes a request waits for approval, shown when the target needs one. */
  approvalMinutes: number;
}

const plain = (text: string) => ({ type: 'plain_text' as const, text, emoji: true });
const mrkdwn = (text: string) => ({ type: 'mrkdwn' as const, text: truncate(text, 3000) });

function base(input: DialogInput, blocks: KnownBlock[], submit: boolean): ModalView {
  return {
    type: 'modal',
    callback_id: CALLBACK_IDS.rollbackConfirm,
    title: plain('Roll back?'),
    close: plain(submit ? 'Cancel' : 'Close'),
    ...(submit ? { submit: plain('Roll back') } : {}),
    private_metadata: encodeDialogMeta(input.meta),
    blocks,
  };
}

/** Names what would be rolled back: target, backend, environment and the alert. */
function facts(input: DialogInput): KnownBlock {
  const { target, group } = input;
  const alertname = group.commonLabels.alertname ?? group.groupLabels.alertname ?? 'alert';
  return {
    type: 'section',
    fields: [
      mrkdwn(`*Target*\n${escapeText(target.name)}`),
      mrkdwn(`*Backend*\n${escapeText(target.backend)}`),
      mrkdwn(`*Environment*\n${escapeText(target.environment)}`),
      mrkdwn(`*Alert*\n${escapeText(alertname)}`),
    ],
  };
}

/** Shown at once (Slack's trigger is valid for 3 seconds) while the backend works out its plan. */
export function rollbackLoadingView(input: DialogInput): ModalView {
  return base(
    input,
    [
      facts(input),
      { type: 'section', text: mrkdwn(':hourglass_flowing_sand: Asking the backend what it would do…') },
    ],
    false,
  );
}

/** The confirmation: what will happen and to which revision, and whether a second person must approve. */
export function rollbackPlanView(input: DialogInput, plan: RollbackPlan): ModalView {
  const lines = [`*What happens:* ${escapeText(plan.summary)}`];
  if (plan.fromRevision || plan.toRevision)
    lines.push(
      `*Revision:* ${escapeText(plan.fromRevision ?? 'current')} → ${escapeText(plan.toRevision ?? 'previous')}`,
    );
  const note = input.target.approval
    ? `:busts_in_silhouette: *${escapeText(input.target.name)} needs a second person:* your request waits for someone else who may approve it, for ${input.approvalMinutes} minutes.`
    : ':warning: The rollback starts as soon as you press *Roll back*.';
  return base(
    input,
    [
      facts(input),
      { type: 'section', text: mrkdwn(lines.join('\n')) },
      { type: 'context', elements: [mrkdwn(note)] },
    ],
    true,
  );
}

/** plan() failed: say so, and offer no way to confirm a rollback nobody could describe. */
export function rollbackPlanFailedView(input: DialogInput, message: string): ModalView {
  return base(
    input,
    [
      facts(input),
      {
        type: 'section',
        text: mrkdwn(
          `:x: mogo could not find out what rolling back *${escapeText(input.target.name)}* would do: ${escapeEntities(truncate(message, 1500))}\n` +
            'Without that, mogo does not offer to roll back. Check the target and its backend, then try again.',
        ),
      },
    ],
    false,
  );
}
