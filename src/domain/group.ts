import { createHash } from 'node:crypto';
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
}

export function countByStatus(group: Pick<AlertGroup, 'alerts' | 'prunedResolved'>): {
  firing: number;
  resolved: number;
} {
  let firing = 0;
  for (const a of group.alerts) if (a.status === 'firing') firing++;
  return { firing, resolved: group.alerts.length - firing + (group.prunedResolved ?? 0) };
}

/** Short stable id for a group: Alertmanager's groupKey can be far longer than a Slack button value allows. */
export function groupIdOf(groupKey: string): string {
  return createHash('sha256').update(groupKey).digest('hex').slice(0, 24);
}

/** The group's alert name: common to all its alerts, else from the grouping, else the first alert's. */
export function alertnameOf(
  group: Pick<AlertGroup, 'commonLabels' | 'groupLabels' | 'alerts'>,
): string | undefined {
  return group.commonLabels.alertname ?? group.groupLabels.alertname ?? group.alerts[0]?.labels.alertname;
}

/** Why the group got its priority, in words: the rules engine's explanation, else the score and the rules. */
export function priorityReason(routing: Routing): string {
  const { score, matched, explain } = routing;
  if (explain && explain.length > 0) return explain.join(' · ');
  const rules = matched.map((m) => `${m.rule} (${m.weight >= 0 ? '+' : ''}${m.weight})`).join(', ');
  return `score ${score} · ${rules === '' ? 'no rule matched' : rules}`;
}
