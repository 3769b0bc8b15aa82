import { createHash } from 'node:crypto';
import { runAtOnce } from '../yielding';
import type { Alert, AlertStatus, Routing } from './alert';

export interface Acknowledgement {
  by: string;
  at: string;
}

/**
 * The durable state of one Alertmanager alert group (one Slack message). `alerts` keeps every alert the
 * group has ever carried, with its latest known status, so a resolved group still shows what fired.
 * `version` grows by one on every change; the Slack message records the version it last rendered.
 */
export interface AlertGroup {
  /** groupIdOf(groupKey) */
  id: string;
  groupKey: string;
  receiver: string;
  status: AlertStatus;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  truncatedAlerts: number;
  alerts: Alert[];
  /**
   * Resolved alerts dropped from `alerts` after RESOLVED_RETENTION_MS (their rows stay in the audit log), so a
   * group that has seen 100,000 alerts costs what a new one does; still counted as resolved. Absent: none.
   */
  prunedResolved?: number;
  routing: Routing;
  ack: Acknowledgement | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  /**
   * Present only on a group read for showing it (AlertStore.getGroupToShow, listGroups, digests, roll-ups):
   * then `alerts` holds only the first few in display order and this says what all of them come to, so a
   * group of 10,000 alerts is shown at the cost of a small one. Absent: `alerts` is every alert held.
   */
  allAlerts?: AlertsSummary;
}

/** What every alert a group holds comes to: enough to show the group without reading all of them. */
export interface AlertsSummary {
  /** Alerts held (pruned ones are counted in the group's prunedResolved instead). */
  count: number;
  firing: number;
  /** Labels and annotations every alert held carries with the same value (meaningful for two or more). */
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** The one non-empty generatorURL all alerts share; null when they differ or none has one. */
  generatorURL: string | null;
  /** The first alert held (in the group's own order): its alertname label and summary annotation. */
  first: { alertname?: string; summary?: string };
}

/** The AlertsSummary of `alerts`, at once. */
export const summarizeAlerts = (alerts: readonly Alert[]): AlertsSummary => runAtOnce(summarySteps(alerts));

/** Alerts a group's message lists one by one; the rest are counted. */
export const ALERTS_SHOWN = 10;

/** Alerts summarised between two yields of summarySteps. */
const SUMMARY_SLICE = 2_000;

/** The AlertsSummary of `alerts`, as a generator that yields between slices (see yielding.ts). */
export function* summarySteps(alerts: readonly Alert[]): Generator<void, AlertsSummary> {
  const [head] = alerts;
  const labels: Record<string, string> = { ...head?.labels };
  const annotations: Record<string, string> = { ...head?.annotations };
  const urls = new Set<string>();
  let firing = 0;
  for (let i = 0; i < alerts.length; i++) {
    if (i > 0 && i % SUMMARY_SLICE === 0) yield;
    const a = alerts[i]!;
    if (a.status === 'firing') firing++;
    if (a.generatorURL !== '' && urls.size < 2) urls.add(a.generatorURL);
    for (const k in labels) if (a.labels[k] !== labels[k]) delete labels[k];
    for (const k in annotations) if (a.annotations[k] !== annotations[k]) delete annotations[k];
  }
  const first: AlertsSummary['first'] = {};
  if (head?.labels.alertname !== undefined) first.alertname = head.labels.alertname;
  if (head?.annotations.summary !== undefined) first.summary = head.annotations.summary;
  const generatorURL = urls.size === 1 ? [...urls][0]! : null;
  return { count: alerts.length, firing, labels, annotations, generatorURL, first };
}

export function countByStatus(group: Pick<AlertGroup, 'alerts' | 'prunedResolved' | 'allAlerts'>): {
  firing: number;
  resolved: number;
} {
  const pruned = group.prunedResolved ?? 0;
  if (group.allAlerts)
    return {
      firing: group.allAlerts.firing,
      resolved: group.allAlerts.count - group.allAlerts.firing + pruned,
    };
  let firing = 0;
  for (const a of group.alerts) if (a.status === 'firing') firing++;
  return { firing, resolved: group.alerts.length - firing + pruned };
}

/** The first alert's summary annotation (in the group's own order). */
export function firstSummaryOf(group: Pick<AlertGroup, 'alerts' | 'allAlerts'>): string | undefined {
  return group.allAlerts ? group.allAlerts.first.summary : group.alerts[0]?.annotations.summary;
}

/** Short stable id for a group: Alertmanager's groupKey can be far longer than a Slack button value allows. */
export function groupIdOf(groupKey: string): string {
  return createHash('sha256').update(groupKey).digest('hex').slice(0, 24);
}

/** The id shown on every message and typed in `/incident ack <id>`: the group id's first 6 characters. */
export const SHORT_ID_LENGTH = 6;
export function shortIdOf(groupId: string): string {
  return groupId.slice(0, SHORT_ID_LENGTH);
}

/** The group's alert name: common to all its alerts, else from the grouping, else the first alert's. */
export function alertnameOf(
  group: Pick<AlertGroup, 'commonLabels' | 'groupLabels' | 'alerts' | 'allAlerts'>,
): string | undefined {
  const first = group.allAlerts ? group.allAlerts.first.alertname : group.alerts[0]?.labels.alertname;
  return group.commonLabels.alertname ?? group.groupLabels.alertname ?? first;
}

/** Why the group got its priority, in words: the rules engine's explanation, else the score and the rules. */
export function priorityReason(routing: Routing): string {
  const { score, matched, explain } = routing;
  if (explain && explain.length > 0) return explain.join(' · ');
  const rules = matched.map((m) => `${m.rule} (${m.weight >= 0 ? '+' : ''}${m.weight})`).join(', ');
  return `score ${score} · ${rules === '' ? 'no rule matched' : rules}`;
}
