import type { ActionsBlock, Button, ContextBlock, KnownBlock, SectionBlock } from '@slack/web-api';
import {
  ALERTS_SHOWN,
  type AlertGroup,
  countByStatus,
  firstSummaryOf,
  alertnameOf as groupAlertname,
  priorityReason,
  shortIdOf,
} from '../../domain/group';
import type { ChatMessage } from '../../ports';
import { ACTION_IDS } from './action-ids';
import { alertLine, orderForDisplay, type Shared, sharedOf } from './alert-lines';
import {
  code,
  escapeText,
  isWebUrl,
  link,
  PRIORITY_EMOJI,
  RESOLVED_EMOJI,
  SLACK_LIMITS,
  silenceUrl,
  slackDate,
  textObject,
  truncate,
} from './mrkdwn';
import { type RollbackView, rollbackButtons, rollbackStatusLine } from './rollback-status';
import { type SilenceView, silencedFingerprints, silenceLine } from './silence-status';

export type { SilenceView } from './silence-status';

export interface RenderOptions {
  /**
   * Alerts listed one by one before "…and N more"; default ALERTS_SHOWN, which is as many as a group read
   * for showing it holds (AlertStore.getGroupToShow).
   */
  maxAlerts?: number;
  /** Whether the group can be rolled back and its latest rollback request; absent: no Rollback button. */
  rollback?: RollbackView;
  /**
   * Real silences (ALERTMANAGER_URL is set): the group's active silences made by mogo; the Silence button opens
   * mogo's dialog. Absent: the Silence button links to Alertmanager's silence page.
   */
  silence?: SilenceView;
  /** Offer a Declare incident button (P1/P2 by default, decided by the caller). */
  declare?: boolean;
}

/**
 * The one Slack message of an alert group. Pure and deterministic: the same group renders the same JSON, so
 * callers can compare renders and tests can assert the blocks directly.
 */
export function renderAlertGroup(group: AlertGroup, opts: RenderOptions = {}): ChatMessage {
  const shared = sharedOf(group);
  const head = [header(group), summary(group, shared), priorityContext(group)];
  const tail: KnownBlock[] = [
    stateContext(group, opts.rollback, opts.silence),
    linksContext(group, shared, opts.silence),
    actions(group, opts.rollback, opts.silence, opts.declare === true),
  ].filter((b) => b !== null);
  const silenced = silencedFingerprints(group, opts.silence);

  const alerts = orderForDisplay(group.alerts);
  const held = group.allAlerts?.count ?? alerts.length;
  const budget = SLACK_LIMITS.blocks - head.length - tail.length - 2; // divider + the "more" note
  const wanted = Math.max(0, Math.floor(opts.maxAlerts ?? ALERTS_SHOWN));
  const shown = alerts.slice(0, Math.min(wanted, budget));
  const body: KnownBlock[] = [
    { type: 'divider' },
    ...shown.map((a) => section(alertLine(a, shared, silenced.has(a.fingerprint)))),
  ];
  const notes: string[] = [];
  if (held > shown.length) notes.push(`…and ${held - shown.length} more`);
  if (group.truncatedAlerts > 0) notes.push(`Alertmanager left out ${group.truncatedAlerts} alerts`);
  if (notes.length > 0) body.push(context(notes.join(' · ')));

  const blocks = [...head, ...body, ...tail];
  return { text: fallbackText(group), blocks: blocks.map((b) => ({ ...b })) };
}

function alertnameOf(group: AlertGroup): string {
  return groupAlertname(group) ?? 'Alert';
}

function summaryOf(group: AlertGroup): string | undefined {
  return group.commonAnnotations.summary ?? firstSummaryOf(group);
}

function statusWord(group: AlertGroup): string {
  return group.status === 'resolved' ? 'RESOLVED' : 'FIRING';
}

function emojiOf(group: AlertGroup): string {
  return group.status === 'resolved' ? RESOLVED_EMOJI : PRIORITY_EMOJI[group.routing.priority];
}

/** Mentions ping only while something fires and the rules asked to notify. */
function mentionsOf(group: AlertGroup): string[] {
  return group.status === 'firing' && group.routing.notify ? group.routing.mentions : [];
}

function section(text: string): SectionBlock {
  return { type: 'section', text: textObject(truncate(text, SLACK_LIMITS.sectionText)) };
}

function context(...texts: string[]): ContextBlock {
  return {
    type: 'context',
    elements: texts
      .slice(0, SLACK_LIMITS.contextElements)
      .map((t) => textObject(truncate(t, SLACK_LIMITS.sectionText))),
  };
}

function header(group: AlertGroup): KnownBlock {
  const text = `${emojiOf(group)} ${group.routing.priority} ${statusWord(group)} · ${alertnameOf(group)}`;
  return {
    type: 'header',
    text: { type: 'plain_text', text: truncate(text, SLACK_LIMITS.headerText), emoji: true },
  };
}

function summary(group: AlertGroup, shared: Shared): SectionBlock {
  const { firing, resolved } = countByStatus(group);
  const sum = summaryOf(group);
  const lines = [`*${escapeText(alertnameOf(group))}*${sum === undefined ? '' : `: ${escapeText(sum)}`}`];
  lines.push(`*${statusWord(group)}* · firing ${firing} · resolved ${resolved}`);
  const description = shared.annotations.description;
  if (description !== undefined) lines.push(escapeText(description));
  const mentions = mentionsOf(group);
  if (mentions.length > 0) lines.push(mentions.join(' '));
  return section(lines.join('\n'));
}

/**
 * Why this priority: the rules engine's own explanation (label weights, rules, multipliers, boosts,
 * maintenance) when it gave one, else the score and each rule that contributed, in evaluation order.
 */
function priorityContext(group: AlertGroup): ContextBlock {
  return context(
    `${group.routing.priority} · ${escapeText(priorityReason(group.routing))}`,
    `id ${code(shortIdOf(group.id))}`,
  );
}

function stateContext(
  group: AlertGroup,
  rollback: RollbackView | undefined,
  silence: SilenceView | undefined,
): ContextBlock | null {
  const lines: string[] = [];
  if (group.ack !== null)
    lines.push(`:eyes: Acknowledged by <@${group.ack.by}> at ${slackDate(group.ack.at)}`);
  for (const s of silence?.active ?? []) lines.push(silenceLine(group, s));
  if (rollback?.latest) lines.push(rollbackStatusLine(rollback.latest));
  return lines.length === 0 ? null : context(lines.join('\n'));
}

function linksContext(group: AlertGroup, shared: Shared, real: SilenceView | undefined): ContextBlock | null {
  const links: string[] = [];
  if (shared.generatorURL !== null) links.push(link(shared.generatorURL, 'Source'));
  const runbook = shared.annotations.runbook_url;
  if (runbook !== undefined) links.push(link(runbook, 'Runbook'));
  const silence = real ? null : silenceUrl(group.externalURL, group.groupLabels);
  if (silence !== null) links.push(link(silence, 'Silence'));
  return links.length === 0 ? null : context(links.join(' · '));
}

/**
 * Buttons while something fires: a resolved message is a record, acting on it goes through commands. The one
 * exception is a pending rollback request, which keeps its Approve / Cancel buttons until it is answered.
 */
function actions(
  group: AlertGroup,
  rollback: RollbackView | undefined,
  real: SilenceView | undefined,
  declare: boolean,
): ActionsBlock | null {
  const firing = group.status !== 'resolved';
  const value = truncate(group.id, SLACK_LIMITS.buttonValue);
  const elements: Button[] = [];
  if (firing)
    elements.push(
      group.ack === null
        ? { ...button('Acknowledge', ACTION_IDS.ack, value), style: 'primary' }
        : button('Unacknowledge', ACTION_IDS.unack, value),
    );
  elements.push(...rollbackButtons(rollback, group.id, firing));
  if (real) {
    if (firing) elements.push(button('Silence…', ACTION_IDS.silenceOpen, value));
    if (real.active.length > 0) elements.push(button('Unsilence', ACTION_IDS.unsilence, value));
  } else {
    const silence = silenceUrl(group.externalURL, group.groupLabels);
    if (firing && silence !== null && isWebUrl(silence) && silence.length <= SLACK_LIMITS.buttonUrl)
      elements.push({ ...button('Silence', ACTION_IDS.silence, value), url: silence });
  }
  if (firing && declare) elements.push(button('Declare incident', ACTION_IDS.declareIncident, value));
  return elements.length === 0 ? null : { type: 'actions', block_id: 'mogo_actions', elements };
}

function button(text: string, actionId: string, value: string): Button {
  return { type: 'button', action_id: actionId, text: { type: 'plain_text', text }, value };
}

/** The notification text: "[P1] FIRING HighLatency: p99 above 2s (2 firing)", prefixed by mentions. */
function fallbackText(group: AlertGroup): string {
  const { firing, resolved } = countByStatus(group);
  const counts =
    group.status === 'resolved'
      ? `${resolved} resolved`
      : `${firing} firing${resolved > 0 ? `, ${resolved} resolved` : ''}`;
  const sum = summaryOf(group);
  const title = `${escapeText(alertnameOf(group))}${sum === undefined ? '' : `: ${escapeText(sum)}`}`;
  const mentions = mentionsOf(group);
  const text = `[${group.routing.priority}] ${statusWord(group)} ${title} (${counts})`;
  return truncate(mentions.length > 0 ? `${mentions.join(' ')} ${text}` : text, SLACK_LIMITS.fallbackText);
}
