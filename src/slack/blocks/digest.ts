import type { ContextBlock, KnownBlock, SectionBlock } from '@slack/web-api';
import { type AlertGroup, alertnameOf, countByStatus, priorityReason } from '../../domain/group';
import type { ChatMessage } from '../../ports';
import {
  escapeText,
  PRIORITY_EMOJI,
  RESOLVED_EMOJI,
  SLACK_LIMITS,
  slackDate,
  textObject,
  truncate,
} from './mrkdwn';

export interface DigestView {
  channel: string;
  /** The changes listed happened in [since, until). */
  since: Date;
  until: Date;
  /** The groups to list, in display order (the store ranks them). */
  groups: AlertGroup[];
  /** How many groups changed in all; more than groups.length adds "…and N more". */
  total: number;
}

/** Groups listed before "…and N more": one section each, well inside Slack's 50 blocks. */
export const DIGEST_MAX_GROUPS = 20;
const WHY_MAX = 300;

/**
 * The digest of a channel's digest-only alert groups (routing.notify false: recorded, never posted one by one).
 * Pure and deterministic: the same view renders the same JSON. Nobody is mentioned.
 */
export function renderDigest(view: DigestView): ChatMessage {
  const shown = view.groups.slice(0, DIGEST_MAX_GROUPS);
  const more = Math.max(0, view.total - shown.length);
  const noun = view.total === 1 ? 'alert group' : 'alert groups';
  const blocks: KnownBlock[] = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: truncate(`Digest: ${view.total} ${noun} changed`, SLACK_LIMITS.headerText),
        emoji: true,
      },
    },
    context(
      `Not posted one by one (their priority does not notify) · changes from ${slackDate(view.since.toISOString())} ` +
        `to ${slackDate(view.until.toISOString())}`,
    ),
    { type: 'divider' },
    ...shown.map(groupSection),
  ];
  if (more > 0) blocks.push(context(`…and ${more} more`));
  return {
    text: truncate(
      `Digest: ${view.total} ${noun} changed (not posted one by one)`,
      SLACK_LIMITS.fallbackText,
    ),
    blocks: blocks.map((b) => ({ ...b })),
  };
}

function groupSection(group: AlertGroup): SectionBlock {
  const { firing, resolved } = countByStatus(group);
  const { priority } = group.routing;
  const emoji = group.status === 'resolved' ? RESOLVED_EMOJI : PRIORITY_EMOJI[priority];
  const status = group.status === 'resolved' ? 'RESOLVED' : 'FIRING';
  const lines = [
    `${emoji} *${escapeText(alertnameOf(group) ?? 'Alert')}* · ${priority} ${status} · firing ${firing} · resolved ${resolved}`,
    `_${escapeText(truncate(priorityReason(group.routing), WHY_MAX))}_`,
  ];
  return {
    type: 'section',
    text: textObject(truncate(lines.join('\n'), SLACK_LIMITS.sectionText)),
  };
}

function context(text: string): ContextBlock {
  return { type: 'context', elements: [textObject(truncate(text, SLACK_LIMITS.sectionText))] };
}
