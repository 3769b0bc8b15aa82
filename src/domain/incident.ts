import type { Priority } from './alert';

/**
 * Incidents: severity, the status lifecycle and its allowed moves, roles, the incident channel's name and the
 * timeline's entries. Pure: no I/O, no clock (times are passed in).
 */

export const SEVERITIES = ['SEV1', 'SEV2', 'SEV3', 'SEV4'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const INCIDENT_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved', 'closed'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/**
 * Allowed moves. Work may go back (monitoring -> investigating when the fix did not hold) and a resolved
 * incident may reopen; closed is final (the postmortem is written from it).
 */
const MOVES: Record<IncidentStatus, readonly IncidentStatus[]> = {
  investigating: ['identified', 'monitoring', 'resolved'],
  identified: ['investigating', 'monitoring', 'resolved'],
  monitoring: ['investigating', 'identified', 'resolved'],
  resolved: ['investigating', 'identified', 'monitoring', 'closed'],
  closed: [],
};

export function canMove(from: IncidentStatus, to: IncidentStatus): boolean {
  return MOVES[from].includes(to);
}

export function allowedMoves(from: IncidentStatus): readonly IncidentStatus[] {
  return MOVES[from];
}

/** Still being worked on: reminders run, steering commands apply. */
export function isActive(status: IncidentStatus): boolean {
  return status !== 'resolved' && status !== 'closed';
}

export function isSeverity(s: string): s is Severity {
  return (SEVERITIES as readonly string[]).includes(s);
}

export function isIncidentStatus(s: string): s is IncidentStatus {
  return (INCIDENT_STATUSES as readonly string[]).includes(s);
}

/** An alert's priority as the severity of an incident declared from it: P1 -> SEV1 … P4 -> SEV4. */
export function severityForPriority(p: Priority): Severity {
  return `SEV${p.slice(1)}` as Severity;
}

/** "sev1", "1", "SEV1" -> SEV1; anything else undefined. */
export function parseSeverity(s: string): Severity | undefined {
  const t = s.trim().toUpperCase();
  const v = /^\d$/.test(t) ? `SEV${t}` : t;
  return isSeverity(v) ? v : undefined;
}

/** The lead is always a role; the others (comms, scribe…) are configured. */
export const LEAD_ROLE = 'lead';

/** Role names as typed ("Comms", "@scribe") -> the configured name, or undefined when not a role. */
export function parseRole(typed: string, configured: readonly string[]): string | undefined {
  const t = typed.trim().replace(/^@/, '').toLowerCase();
  if (t === LEAD_ROLE) return LEAD_ROLE;
  return configured.find((r) => r.toLowerCase() === t);
}

/** Where the incident lives: its own channel, or the thread of the alert it was declared from. */
export type IncidentMode = 'channel' | 'thread';

export interface Incident {
  id: string;
  /** 1, 2, 3…: what people say ("incident 42") and what the channel is named after. */
  number: number;
  title: string;
  severity: Severity;
  status: IncidentStatus;
  mode: IncidentMode;
  /** The incident's channel (channel mode, once created) or the alert message's channel (thread mode). */
  channelId: string | null;
  channelName: string | null;
  /** Thread mode: the alert message whose thread holds the incident. */
  threadTs: string | null;
  /** role -> Slack user id; `lead` always present. */
  roles: Record<string, string>;
  declaredBy: string;
  declaredAt: Date;
  /** When it first reached monitoring (the fix is in) or resolved, whichever came first. */
  mitigatedAt: Date | null;
  resolvedAt: Date | null;
  closedAt: Date | null;
  archivedAt: Date | null;
  /** The pinned summary message in the channel, and the announcement in the broadcast channel. */
  summaryTs: string | null;
  announcement: { channel: string; ts: string } | null;
  /** Alert groups linked to the incident. */
  groupIds: string[];
  version: number;
}

export type TimelineKind =
  | 'declared'
  | 'severity'
  | 'status'
  | 'role'
  | 'renamed'
  | 'note'
  | 'message'
  | 'joined'
  | 'followup'
  | 'alert'
  | 'ack'
  | 'silence'
  | 'rollback';

/** One line of the timeline, at the time it happened (a pinned message keeps its own time and author). */
export interface TimelineEntry {
  kind: TimelineKind;
  at: Date;
  /** Slack user id, "alertmanager" or "mogo"; null when unknown. */
  author: string | null;
  text: string;
  /** What it came from ("reaction:C1:1700000000.000100", "audit:42"): recorded once however often it arrives. */
  sourceRef: string | null;
}

export interface FollowUp {
  text: string;
  author: string;
  at: Date;
}

/** Time to acknowledge, mitigate and resolve, in ms from the declaration (or the first alert, if earlier). */
export interface IncidentDurations {
  startedAt: Date;
  toAcknowledgeMs: number | null;
  toMitigateMs: number | null;
  toResolveMs: number | null;
}

/** Computes the durations; `firstAlertAt`/`firstAckAt` come from the linked alert groups. */
export function durationsOf(
  incident: Pick<Incident, 'declaredAt' | 'mitigatedAt' | 'resolvedAt'>,
  firstAlertAt: Date | null,
  firstAckAt: Date | null,
): IncidentDurations {
  const startedAt = firstAlertAt && firstAlertAt < incident.declaredAt ? firstAlertAt : incident.declaredAt;
  const since = (d: Date | null) => (d === null ? null : Math.max(0, d.getTime() - startedAt.getTime()));
  return {
    startedAt,
    toAcknowledgeMs: since(firstAckAt),
    toMitigateMs: since(incident.mitigatedAt ?? incident.resolvedAt),
    toResolveMs: since(incident.resolvedAt),
  };
}

/** Slack's channel names: lowercase letters, digits, hyphens and underscores, at most 80 characters. */
export const CHANNEL_NAME_MAX = 80;
export const DEFAULT_CHANNEL_PATTERN = 'inc-{n}-{slug}';

/** A title as a channel-name slug: "DB down: ça brûle!" -> "db-down-ca-brule". */
export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '');
}

/**
 * The channel name from a pattern with `{n}`, `{slug}`, `{sev}` and `{date}` (YYYYMMDD), e.g. the default
 * `inc-{n}-{slug}` -> "inc-42-db-down". The slug is shortened so the whole name fits Slack's 80 characters;
 * anything else the pattern holds is made to follow Slack's rules too.
 */
export function channelNameFor(
  pattern: string,
  incident: Pick<Incident, 'number' | 'title' | 'severity'>,
  at: Date,
): string {
  const date = at.toISOString().slice(0, 10).replace(/-/g, '');
  const fixed = pattern
    .replaceAll('{n}', String(incident.number))
    .replaceAll('{sev}', incident.severity)
    .replaceAll('{date}', date);
  const withoutSlug = slugify(fixed.replaceAll('{slug}', ''));
  const room = Math.max(0, CHANNEL_NAME_MAX - withoutSlug.length - 1);
  const slug = slugify(incident.title)
    .slice(0, room)
    .replace(/[-_]+$/, '');
  const name = slugify(fixed.replaceAll('{slug}', slug)).slice(0, CHANNEL_NAME_MAX);
  return name.replace(/[-_]+$/, '') || `inc-${incident.number}`;
}

/** The name to try after `name` was taken: "inc-42-db-down" -> "inc-42-db-down-2", still within 80 characters. */
export function channelNameWithSuffix(name: string, attempt: number): string {
  const suffix = `-${attempt}`;
  return `${name.slice(0, CHANNEL_NAME_MAX - suffix.length).replace(/[-_]+$/, '')}${suffix}`;
}

/** How often an open incident asks for an update, per severity (ms; absent: never). */
export type ReminderPolicy = Partial<Record<Severity, number>>;

export const DEFAULT_REMINDERS: ReminderPolicy = {
  SEV1: 30 * 60_000,
  SEV2: 60 * 60_000,
  SEV3: 4 * 60 * 60_000,
};

/** When the next update reminder is due, given the last update; null when none is due for this incident. */
export function nextReminderAt(
  incident: Pick<Incident, 'severity' | 'status'>,
  lastUpdateAt: Date,
  policy: ReminderPolicy,
): Date | null {
  const every = policy[incident.severity];
  if (every === undefined || !isActive(incident.status)) return null;
  return new Date(lastUpdateAt.getTime() + every);
}

/** Whether a steering change (severity, status, roles, rename…) may be made by `user`. */
export function mayHoldRole(incident: Pick<Incident, 'roles'>, user: string): boolean {
  return Object.values(incident.roles).includes(user);
}
