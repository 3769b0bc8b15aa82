import type { Button } from '@slack/web-api';
import { ACTIVE_ROLLBACK_STATES } from '../../domain/rollback';
import type { ChatMessage, RollbackRecord } from '../../ports';
import { ACTION_IDS } from './action-ids';
import { code, escapeText, SLACK_LIMITS, slackDate, truncate } from './mrkdwn';

/** What the alert message needs to know about rollbacks. */
export interface RollbackView {
  /** The group's rollbackTarget names a target declared in the rules now. */
  available: boolean;
  /** The newest request made from this message, if any. */
  latest: RollbackRecord | null;
}

const at = (d: Date | null) => (d ? slackDate(d.toISOString()) : '');
const summary = (r: RollbackRecord) => (r.summary ? `: ${escapeText(truncate(r.summary, 500))}` : '');

/** One line on the message saying where the latest rollback request stands. Pure. */
export function rollbackStatusLine(r: RollbackRecord): string {
  const target = `*${escapeText(r.target)}*`;
  const by = `<@${r.requestedBy}>`;
  const approved = r.approvedBy ? `, approved by <@${r.approvedBy}>` : '';
  const plan = r.plan ? ` (${escapeText(truncate(r.plan, 300))})` : '';
  switch (r.state) {
    case 'pending':
      return `:hourglass_flowing_sand: Rollback of ${target}${plan} requested by ${by} at ${at(r.requestedAt)}: waiting for approval by someone else, expires ${at(r.expiresAt)}`;
    case 'approved':
      return `:rewind: Rollback of ${target} by ${by}${approved}: starting`;
    case 'running':
      return `:arrows_counterclockwise: Rolling back ${target}${plan} for ${by}${approved} since ${at(r.startedAt)}: progress in the thread`;
    case 'succeeded':
      return `:white_check_mark: Rolled back ${target} for ${by}${approved} at ${at(r.finishedAt)}${summary(r)}`;
    case 'failed':
      return `:x: Rollback of ${target} for ${by}${approved} failed at ${at(r.finishedAt)}${summary(r)}`;
    case 'interrupted':
      return `:warning: Rollback of ${target} for ${by}${approved} was interrupted at ${at(r.finishedAt)}: outcome unknown, check ${escapeText(r.backend)}`;
    case 'expired':
      return `:hourglass: Rollback of ${target} requested by ${by} expired at ${at(r.finishedAt)} without approval`;
    case 'denied': {
      const who =
        r.cancelledBy && r.cancelledBy !== r.requestedBy ? `rejected by <@${r.cancelledBy}>` : 'cancelled';
      return `:no_entry_sign: Rollback of ${target} requested by ${by} was ${who} at ${at(r.finishedAt)}`;
    }
  }
}

/**
 * The rollback buttons of the message. Rollback appears only while the group fires, has a declared target
 * and no request of this message is under way; a pending request gets Approve and Cancel, even once resolved
 * (a question asked needs an answer). Pure.
 */
export function rollbackButtons(view: RollbackView | undefined, groupId: string, firing: boolean): Button[] {
  const latest = view?.latest ?? null;
  if (latest?.state === 'pending') {
    const value = truncate(latest.id, SLACK_LIMITS.buttonValue);
    const approveText = `Start the rollback of ${latest.target} requested by its requester? It runs at once.`;
    return [
      {
        type: 'button',
        action_id: ACTION_IDS.rollbackApprove,
        text: { type: 'plain_text', text: 'Approve rollback' },
        value,
        style: 'danger',
        confirm: {
          title: { type: 'plain_text', text: 'Approve the rollback?' },
          text: { type: 'plain_text', text: truncate(approveText, SLACK_LIMITS.confirmText) },
          confirm: { type: 'plain_text', text: 'Approve and run' },
          deny: { type: 'plain_text', text: 'Not yet' },
          style: 'danger',
        },
      },
      {
        type: 'button',
        action_id: ACTION_IDS.rollbackCancel,
        text: { type: 'plain_text', text: 'Cancel rollback' },
        value,
      },
    ];
  }
  if (!firing || !view?.available) return [];
  if (latest && ACTIVE_ROLLBACK_STATES.includes(latest.state)) return [];
  return [
    {
      type: 'button',
      action_id: ACTION_IDS.rollback,
      text: { type: 'plain_text', text: 'Rollback' },
      value: truncate(groupId, SLACK_LIMITS.buttonValue),
      style: 'danger',
    },
  ];
}

/** `/incident rollback status`: running and recent rollbacks, one line each (their group's short id first). Pure. */
export function renderRollbackList(records: readonly RollbackRecord[]): ChatMessage {
  if (records.length === 0) {
    const text = 'No rollbacks yet.';
    return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
  }
  const lines = records.map((r) => `${code(r.groupId.slice(0, 6))} ${rollbackStatusLine(r)}`);
  const text = truncate(lines.join('\n'), 3000);
  const title = `${records.length} recent rollback${records.length === 1 ? '' : 's'}`;
  return { text: title, blocks: [{ type: 'section', text: { type: 'mrkdwn', text, verbatim: true } }] };
}
