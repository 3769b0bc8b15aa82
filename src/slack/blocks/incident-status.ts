import { type GroupSummary, mostPressingFirst } from '../../incidents/open-groups';
import type { GroupMatch, GroupSearch } from '../../incidents/search-groups';
import type { ChatMessage } from '../../ports';
import {
  code,
  escapeEntities,
  escapeText,
  link,
  PRIORITY_EMOJI,
  slackDate,
  textObject,
  truncate,
} from './mrkdwn';

const MAX_LISTED = 20;

/**
 * `/incident status` and `/incident list`: open alert groups, most pressing first, each with its short id, age,
 * firing count, channel, acknowledgement, silence and links. `filter` names a filter. Pure.
 */
export function renderIncidentStatus(open: readonly GroupSummary[], now: Date, filter?: string): ChatMessage {
  return renderGroups(
    open.map((group) => ({ group, by: 'labels' })),
    now,
    filter,
  );
}

/**
 * `/incident list`: the groups a search found; a group found through its alerts says how many of its firing
 * alerts match, and a search stopped at its limit says so. Pure.
 */
export function renderIncidentList(search: GroupSearch, now: Date, filter: string): ChatMessage {
  const { cutShort } = search;
  const note = cutShort
    ? `:warning: Search cut short after reading ${cutShort.examined.toLocaleString('en-US')} firing alerts: ` +
      `the alerts of ${cutShort.groupsLeft} group${cutShort.groupsLeft === 1 ? ' were' : 's were'} not all ` +
      'searched. Narrow the matchers (e.g. add `alertname="…"`) to search them.'
    : undefined;
  const message = renderGroups(search.matches, now, filter, note);
  return cutShort ? { ...message, text: `${message.text.replace(/\.$/, '')} (search cut short)` } : message;
}

function renderGroups(
  found: readonly GroupMatch[],
  now: Date,
  filter: string | undefined,
  note?: string,
): ChatMessage {
  const what = filter === undefined ? '' : ` matching ${filter}`;
  const noted = (blocks: Record<string, unknown>[]) =>
    note === undefined ? blocks : [...blocks.slice(0, 49), { type: 'context', elements: [textObject(note)] }];
  if (found.length === 0) {
    const text = filter === undefined ? 'No open alerts.' : `No open alert groups${what}.`;
    return {
      text,
      blocks: noted([{ type: 'section', text: textObject(`:white_check_mark: ${escapeText(text)}`) }]),
    };
  }
  const sorted = [...found].sort((a, b) => mostPressingFirst(a.group, b.group));
  const lines = sorted.slice(0, MAX_LISTED).map((m) => statusLine(m, now));
  if (sorted.length > MAX_LISTED) lines.push(`…and ${sorted.length - MAX_LISTED} more`);
  const title = `${found.length} open alert group${found.length === 1 ? '' : 's'}${what}`;
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(title, 150) } },
  ];
  // one section per ~3000 characters (Slack's limit), lines kept whole
  let chunk: string[] = [];
  const flush = () => {
    if (chunk.length > 0) blocks.push({ type: 'section', text: textObject(chunk.join('\n')) });
    chunk = [];
  };
  for (const line of lines) {
    if ([...chunk, line].join('\n').length > 3000) flush();
    chunk.push(truncate(line, 3000));
  }
  flush();
  return { text: title, blocks: noted(blocks.slice(0, 50)) };
}

function statusLine(m: GroupMatch, now: Date): string {
  const g = m.group;
  const firing =
    m.by === 'alerts'
      ? `${m.complete ? '' : 'at least '}${m.matching} of ${g.firing} firing match`
      : `${g.firing} firing`;
  const parts = [
    `${PRIORITY_EMOJI[g.priority]} *${g.priority}* ${code(g.shortId)} *${escapeText(truncate(g.name, 120))}*`,
    firing,
    `for ${age(now.getTime() - Date.parse(g.createdAt))}`,
    escapeText(g.channel),
    g.ack ? `acked by <@${g.ack.by}>` : '*not acknowledged*',
  ];
  if (g.silencedUntil) parts.push(`:no_bell: silenced until ${slackDate(g.silencedUntil)}`);
  if (g.generatorURL) parts.push(link(g.generatorURL, 'Source'));
  if (g.runbookURL) parts.push(link(g.runbookURL, 'Runbook'));
  return parts.join(' · ');
}

/** "3d 4h", "2h 5m", "12m", "<1m": the two largest units. */
export function age(ms: number): string {
  const m = Math.floor(Math.max(0, ms) / 60_000);
  if (m < 1) return '<1m';
  const d = Math.floor(m / 1440);
  const h = Math.floor((m % 1440) / 60);
  const min = m % 60;
  if (d > 0) return h > 0 ? `${d}d ${h}h` : `${d}d`;
  if (h > 0) return min > 0 ? `${h}h ${min}m` : `${h}h`;
  return `${min}m`;
}

/** One line of `/incident help`; each subcommand carries its own (src/slack/commands/*.ts). */
export interface HelpEntry {
  name: string;
  usage: string;
  summary: string;
}

/** `/incident help`, or the help shown for unknown input with `problem` said first. Pure. */
export function renderIncidentHelp(entries: readonly HelpEntry[], problem?: string): ChatMessage {
  const lines = entries.map((e) => {
    const call = e.usage ? `/incident ${e.name} ${e.usage}` : `/incident ${e.name}`;
    return `• \`${escapeEntities(call)}\` — ${escapeText(e.summary)}`;
  });
  const text = ['*mogo* — `/incident` commands', ...lines].join('\n');
  const blocks: Record<string, unknown>[] = [];
  if (problem) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: problem } });
  blocks.push({ type: 'section', text: { type: 'mrkdwn', text: text.slice(0, 3000) } });
  return { text: problem ? stripMrkdwn(problem) : 'mogo /incident help', blocks };
}

function stripMrkdwn(s: string): string {
  return s.replace(/[`*]/g, '');
}
