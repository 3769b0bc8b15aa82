import type { ContextBlock, KnownBlock, PlainTextOption, SectionBlock } from '@slack/web-api';
import { priorityRank } from '../../domain/alert';
import { type AlertGroup, alertnameOf, countByStatus } from '../../domain/group';
import type { ChatMessage, Rollup } from '../../ports';
import { ACTION_IDS } from './action-ids';
import { code, escapeText, PRIORITY_EMOJI, RESOLVED_EMOJI, SLACK_LIMITS, truncate } from './mrkdwn';

/** Options Slack allows in one static_select. */
const MAX_OPTIONS = 100;
const OPTION_TEXT = 75;
/** Blocks kept for the header, the summary, the closing note and the Declare incident button. */
const FIXED_BLOCKS = 4;
/**
 * Characters of lines in all (about 400 lines): Slack documents no total for blocks, but very large messages are
 * refused or cut, and a plain-text fallback of 3,000 characters would then show far fewer lines.
 */
const MAX_LINE_CHARS = 24_000;

/**
 * Most pressing first: firing before resolved, then priority, then not yet acknowledged, then the most
 * alerts firing, then the oldest (a stable order, so lines don't jump around between updates).
 */
export function rollupOrder(a: AlertGroup, b: AlertGroup): number {
  const fa = a.status === 'firing' ? 0 : 1;
  const fb = b.status === 'firing' ? 0 : 1;
  return (
    fa - fb ||
    priorityRank(a.routing.priority) - priorityRank(b.routing.priority) ||
    (a.ack ? 1 : 0) - (b.ack ? 1 : 0) ||
    countByStatus(b).firing - countByStatus(a).firing ||
    a.createdAt.localeCompare(b.createdAt) ||
    a.id.localeCompare(b.id)
  );
}

/** The labels the group was formed on besides its alert name, as `k=v`, sorted. */
function groupedOn(group: AlertGroup): string[] {
  return Object.entries(group.groupLabels)
    .filter(([k]) => k !== 'alertname')
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`);
}

/** "HighLatency service=api": the alert name and the other labels the group was formed on. */
export function groupTitle(group: AlertGroup): string {
  return [alertnameOf(group) ?? 'Alert', ...groupedOn(group)].join(' ');
}

/** "4m", "2h 5m", "3d": how long ago the group first fired. */
export function age(fromIso: string, now: Date): string {
  const minutes = Math.max(0, Math.floor((now.getTime() - Date.parse(fromIso)) / 60_000));
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours}h` : `${hours}h ${minutes % 60}m`;
  return `${Math.floor(hours / 24)}d`;
}

/** One line: priority, name, `12 firing · 3 resolved`, age, acknowledged by whom. */
export function rollupLine(group: AlertGroup, now: Date): string {
  const { firing, resolved } = countByStatus(group);
  const name = alertnameOf(group) ?? 'Alert';
  const labels = groupedOn(group).map(code);
  const emoji = group.status === 'resolved' ? RESOLVED_EMOJI : PRIORITY_EMOJI[group.routing.priority];
  const counts = [`${firing} firing`, ...(resolved > 0 ? [`${resolved} resolved`] : [])].join(' · ');
  const parts = [
    `${emoji} *${group.routing.priority}* ${escapeText(name)}${labels.length ? ` ${labels.join(' ')}` : ''}`,
  ];
  parts.push(counts, age(group.createdAt, now));
  if (group.ack) parts.push(`ack <@${group.ack.by}>`);
  return parts.join(' — ');
}

/**
 * A channel's storm roll-up: one message listing every lower-priority group that arrived faster than Slack
 * lets mogo post, most pressing first, inside Block Kit's limits (50 blocks, 3,000 characters per text): lines
 * are packed into as few sections as fit, and what does not fit is counted and left to `/incident status`.
 * Pure and deterministic for a given `now`.
 */
export function renderRollup(rollup: Rollup, now: Date): ChatMessage {
  const groups = [...rollup.members].sort(rollupOrder);
  const firing = groups.filter((g) => g.status === 'firing');
  const alertsFiring = groups.reduce((n, g) => n + countByStatus(g).firing, 0);
  const title = `Alert storm in ${rollup.channel}`;
  const summaryText =
    `*${groups.length} groups* · ${firing.length} firing · ${groups.length - firing.length} resolved · ` +
    `${alertsFiring} alerts firing\nThese groups arrived faster than Slack lets mogo post messages, so they ` +
    'share this one, most pressing first. A group that becomes P1 gets its own message.';
  const summary: SectionBlock = { type: 'section', text: { type: 'mrkdwn', text: summaryText } };
  const unacked = firing.filter((g) => g.ack === null).slice(0, MAX_OPTIONS);
  if (unacked.length > 0)
    summary.accessory = {
      type: 'static_select',
      action_id: ACTION_IDS.rollupAck,
      placeholder: { type: 'plain_text', text: 'Acknowledge…' },
      options: unacked.map(
        (g): PlainTextOption => ({
          text: { type: 'plain_text', text: truncate(`${g.routing.priority} ${groupTitle(g)}`, OPTION_TEXT) },
          value: g.id,
        }),
      ),
    };

  const sections: SectionBlock[] = [];
  let current = '';
  let shown = 0;
  let total = 0;
  for (const g of groups) {
    const line = truncate(rollupLine(g, now), SLACK_LIMITS.sectionText);
    total += line.length + 1;
    if (total > MAX_LINE_CHARS) break;
    if (current !== '' && current.length + 1 + line.length > SLACK_LIMITS.sectionText) {
      if (sections.length + 1 >= SLACK_LIMITS.blocks - FIXED_BLOCKS) break;
      sections.push(section(current));
      current = '';
    }
    current = current === '' ? line : `${current}\n${line}`;
    shown++;
  }
  if (current !== '') sections.push(section(current));

  const notes = [`Updated <!date^${Math.floor(now.getTime() / 1000)}^{time_secs}|${now.toISOString()}>`];
  if (shown < groups.length) notes.unshift(`…and ${groups.length - shown} more groups: \`/incident status\``);
  const closing: ContextBlock = { type: 'context', elements: [{ type: 'mrkdwn', text: notes.join(' · ') }] };
  const blocks: KnownBlock[] = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: truncate(`:rotating_light: ${title}`, SLACK_LIMITS.headerText),
        emoji: true,
      },
    },
    summary,
    ...sections,
    closing,
  ];
  if (firing.length > 0)
    blocks.push({
      type: 'actions',
      block_id: 'mogo_rollup_actions',
      elements: [
        {
          type: 'button',
          action_id: ACTION_IDS.declareIncident,
          text: { type: 'plain_text', text: 'Declare incident' },
          // the roll-up's id: the dialog offers its firing groups, all chosen (one incident for the storm)
          value: `rollup:${rollup.id}`,
        },
      ],
    });
  const text = truncate(
    `${title}: ${groups.length} groups, ${firing.length} firing`,
    SLACK_LIMITS.fallbackText,
  );
  return { text, blocks: blocks.map((b) => ({ ...b })) };
}

function section(text: string): SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}
