import type { Refusal } from '../../incidents/rollback/deps';
import type { RollbackEvent, RollbackRecord } from '../../ports';
import { denialText } from './access-text';
import { escapeText, slackDate, truncate } from './mrkdwn';

/**
 * The words of the rollback flow: ephemeral answers, thread replies and one-line summaries, as mrkdwn. Pure;
 * anything that came from a backend or a person is escaped.
 */

type Who = Pick<RollbackRecord, 'target' | 'backend' | 'environment'>;

const what = (r: Who) => `*${escapeText(r.target)}* (${escapeText(r.backend)}, ${escapeText(r.environment)})`;
const plan = (p: string | null) => (p ? `: ${escapeText(p)}` : '');

export const MESSAGES = {
  groupGone: 'This alert group is no longer known to mogo.',
  notThisMessage: 'This button does not belong to this message; nothing was changed.',
  noTarget:
    'This alert has no rollback target declared in the rules (any more), so mogo cannot roll it back from here.',
  targetChanged:
    'The rollback target of this alert changed since the dialog opened. Nothing was rolled back; click Rollback again.',
  requestGone: 'mogo does not know this rollback request (any more).',
  failedToRecord: 'Sorry, mogo could not record that just now. Nothing was rolled back; please try again.',
} as const;

export function deniedText(message: string): string {
  return `:no_entry: ${message} Nothing was rolled back.`;
}

/** The answer to a second request while a target is held. */
export function busyText(active: RollbackRecord): string {
  if (active.state === 'pending') {
    const until = active.expiresAt ? ` until ${slackDate(active.expiresAt.toISOString())}` : '';
    return `*${escapeText(active.target)}* already has a rollback request by <@${active.requestedBy}> waiting for approval${until}.`;
  }
  const approved = active.approvedBy ? ` (approved by <@${active.approvedBy}>)` : '';
  return `*${escapeText(active.target)}* is already being rolled back by <@${active.requestedBy}>${approved}.`;
}

export function notPendingText(r: RollbackRecord): string {
  return `This rollback request is no longer waiting for approval: it is ${r.state}.`;
}

export const selfApprovalText =
  'You requested this rollback, so you cannot approve it too: a second person must (two-person rule).';

export function pendingThreadText(r: RollbackRecord): string {
  const until = r.expiresAt ? ` before ${slackDate(r.expiresAt.toISOString())}` : '';
  return (
    `:hourglass_flowing_sand: <@${r.requestedBy}> asks to roll back ${what(r)}${plan(r.plan)}. ` +
    `Someone else who may approve rollbacks of ${escapeText(r.target)} must approve it${until}.`
  );
}

export function startedThreadText(r: RollbackRecord): string {
  const approved = r.approvedBy ? `, approved by <@${r.approvedBy}>` : '';
  return `:rewind: Rolling back ${what(r)} for <@${r.requestedBy}>${approved}${plan(r.plan)}…`;
}

export function progressText(line: string): string {
  return `> ${truncate(escapeText(line), 500)}`;
}

export const PROGRESS_CUT_TEXT = '> … (further progress is not shown; the result follows)';

export function succeededThreadText(r: RollbackRecord, summary: string, seconds: number): string {
  return `:white_check_mark: Rolled back ${what(r)}: ${escapeText(summary)} (${duration(seconds)})`;
}

export function failedThreadText(r: RollbackRecord, summary: string): string {
  return `:x: Rollback of ${what(r)} failed. ${escapeText(summary)}`;
}

export function expiredThreadText(r: RollbackRecord): string {
  return (
    `:hourglass: Nobody approved the rollback of ${what(r)} requested by <@${r.requestedBy}> in time; ` +
    'the request expired. Nothing was rolled back.'
  );
}

export function cancelledThreadText(r: RollbackRecord, by: string): string {
  const whose = by === r.requestedBy ? 'their' : `<@${r.requestedBy}>'s`;
  return `:no_entry_sign: <@${by}> cancelled ${whose} request to roll back ${what(r)}. Nothing was rolled back.`;
}

export function interruptedThreadText(r: RollbackRecord, why: 'shutdown' | 'lost'): string {
  const cause =
    why === 'shutdown'
      ? 'mogo was shut down while the backend was still working'
      : 'the mogo process running it stopped (a crash or restart)';
  return (
    `:warning: The rollback of ${what(r)} was interrupted: ${cause}. mogo does not know how it ended — ` +
    `check ${escapeText(r.backend)} before trying again.`
  );
}

/** The private answer to a rollback step that did not happen. */
export function refusalText(r: Refusal): string {
  switch (r.kind) {
    case 'group_gone':
      return MESSAGES.groupGone;
    case 'no_target':
      return MESSAGES.noTarget;
    case 'target_changed':
      return MESSAGES.targetChanged;
    case 'request_gone':
      return MESSAGES.requestGone;
    case 'denied':
      return deniedText(denialText(r.denial));
    case 'self_approval':
      return selfApprovalText;
    case 'busy':
      return busyText(r.active);
    case 'not_pending':
      return notPendingText(r.record);
    case 'expired':
      return expiredThreadText(r.record);
  }
}

/** The thread reply telling what became of a request. */
export function rollbackEventText(e: RollbackEvent): string {
  switch (e.kind) {
    case 'rollback.pending':
      return pendingThreadText(e.record);
    case 'rollback.started':
      return startedThreadText(e.record);
    case 'rollback.progress':
      return progressText(e.line);
    case 'rollback.progress_cut':
      return PROGRESS_CUT_TEXT;
    case 'rollback.succeeded':
      return succeededThreadText(e.record, e.summary, e.seconds);
    case 'rollback.failed':
      return failedThreadText(e.record, e.summary);
    case 'rollback.expired':
      return expiredThreadText(e.record);
    case 'rollback.cancelled':
      return cancelledThreadText(e.record, e.by);
    case 'rollback.interrupted':
      return interruptedThreadText(e.record, e.cause);
  }
}

function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return s < 60 ? `took ${s}s` : `took ${Math.floor(s / 60)}m ${s % 60}s`;
}
