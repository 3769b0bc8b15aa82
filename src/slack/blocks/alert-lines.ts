import type { Alert } from '../../domain/alert';
import { type AlertGroup, summarizeAlerts } from '../../domain/group';
import { code, escapeText, FIRING_EMOJI, link, RESOLVED_EMOJI, slackDate } from './mrkdwn';

/**
 * What every alert of a group has in common, so each alert line shows only what sets it apart.
 * group.alerts accumulates across notifications while commonLabels/commonAnnotations describe only the latest
 * one, so a value counts as shared when Alertmanager said so or when every alert the group holds carries it.
 */
export interface Shared {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** The one generatorURL all alerts share, or null when they differ (then each alert links its own). */
  generatorURL: string | null;
}

export function sharedOf(group: AlertGroup): Shared {
  const all = group.allAlerts ?? summarizeAlerts(group.alerts);
  if (all.count <= 1) {
    return {
      labels: { ...group.commonLabels },
      annotations: { ...group.commonAnnotations },
      generatorURL: all.generatorURL,
    };
  }
  // A label Alertmanager called common but that differs among the alerts held here is distinguishing, so
  // the labels are exactly those every alert carries; annotations also keep Alertmanager's common ones.
  return {
    labels: { ...all.labels },
    annotations: { ...group.commonAnnotations, ...all.annotations },
    generatorURL: all.generatorURL,
  };
}

/** Labels of `alert` not shared by the whole group, sorted by name, e.g. [['instance', 'api-1:8080']]. */
export function distinguishingLabels(alert: Alert, shared: Shared): [string, string][] {
  return Object.entries(alert.labels)
    .filter(([k, v]) => shared.labels[k] !== v)
    .sort(([a], [b]) => a.localeCompare(b));
}

/** Firing alerts first; otherwise the order the group keeps (stable). */
export function orderForDisplay(alerts: Alert[]): Alert[] {
  return [...alerts.filter((a) => a.status === 'firing'), ...alerts.filter((a) => a.status !== 'firing')];
}

/** One alert as mrkdwn: status, distinguishing labels, when, and its own text and links where they differ. */
export function alertLine(alert: Alert, shared: Shared, silenced = false): string {
  const firing = alert.status === 'firing';
  const status =
    (firing ? `${FIRING_EMOJI} *firing*` : `${RESOLVED_EMOJI} *resolved*`) +
    (silenced && firing ? ' · :no_bell: *silenced*' : '');
  const labels = distinguishingLabels(alert, shared).map(([k, v]) => code(`${k}=${v}`));
  const when =
    firing || alert.endsAt === null
      ? `since ${slackDate(alert.startsAt)}`
      : `ended ${slackDate(alert.endsAt)}`;
  const first = [status, ...(labels.length > 0 ? [labels.join(' ')] : []), when].join(' · ');

  const lines = [first];
  const own = ownText(alert, shared);
  if (own !== undefined) lines.push(escapeText(own));
  const links: string[] = [];
  if (shared.generatorURL === null && alert.generatorURL !== '')
    links.push(link(alert.generatorURL, 'Source'));
  const runbook = alert.annotations.runbook_url;
  if (runbook !== undefined && shared.annotations.runbook_url === undefined)
    links.push(link(runbook, 'Runbook'));
  if (links.length > 0) lines.push(links.join(' · '));
  return lines.join('\n');
}

/** The alert's description when it differs per alert; failing that, its summary when that differs. */
function ownText(alert: Alert, shared: Shared): string | undefined {
  const { description, summary } = alert.annotations;
  if (description !== undefined && shared.annotations.description === undefined) return description;
  if (summary !== undefined && shared.annotations.summary === undefined) return summary;
  return undefined;
}
