import type { Alert, Notification, Routing } from './alert';
import { type AlertGroup, groupIdOf } from './group';

/**
 * Folds one Alertmanager notification into the group's state. Returns null when nothing changes, which is what
 * makes delivery idempotent: an HA pair's second copy, or a retry, is a no-op.
 *
 * Per alert (by fingerprint): a later startsAt is a new incarnation and wins; an earlier one is stale and is
 * ignored; for the same startsAt, resolved wins over firing, so a late duplicate of an old "firing" copy can
 * never re-open an alert that already resolved. Alerts missing from a notification keep their last state,
 * except that a "resolved" notification with nothing truncated resolves every alert of the group.
 */
export function applyNotification(
  current: AlertGroup | null,
  n: Notification,
  routeGroup: (firing: Alert[]) => Routing | null,
  now: Date,
): AlertGroup | null {
  const byFp = new Map<string, Alert>();
  for (const a of current?.alerts ?? []) byFp.set(a.fingerprint, a);
  for (const incoming of n.alerts) {
    const existing = byFp.get(incoming.fingerprint);
    byFp.set(incoming.fingerprint, existing ? newerOf(existing, incoming) : incoming);
  }
  if (n.status === 'resolved' && n.truncatedAlerts === 0) {
    for (const [fp, a] of byFp) if (a.status === 'firing') byFp.set(fp, { ...a, status: 'resolved' });
  }
  const alerts = [...byFp.values()];
  const status = alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved';
  const firing = alerts.filter((a) => a.status === 'firing');
  const routing = routeGroup(firing.length > 0 ? firing : alerts) ?? current?.routing;
  if (!routing) return null;

  const refired = current !== null && current.status === 'resolved' && status === 'firing';
  const next: AlertGroup = {
    id: current?.id ?? groupIdOf(n.groupKey),
    groupKey: n.groupKey,
    receiver: n.receiver,
    status,
    groupLabels: n.groupLabels,
    commonLabels: n.commonLabels,
    commonAnnotations: n.commonAnnotations,
    // externalURL differs between the members of an HA pair; keep the first so duplicates stay no-ops.
    externalURL: current?.externalURL || n.externalURL,
    truncatedAlerts: n.truncatedAlerts,
    alerts,
    routing,
    ack: refired ? null : (current?.ack ?? null),
    rollbackRequests: current?.rollbackRequests ?? [],
    version: current?.version ?? 0,
    createdAt: current?.createdAt ?? now.toISOString(),
    updatedAt: now.toISOString(),
  };
  if (current && sameState(current, next)) return null;
  return next;
}

function newerOf(existing: Alert, incoming: Alert): Alert {
  const e = Date.parse(existing.startsAt);
  const i = Date.parse(incoming.startsAt);
  if (i > e) return { ...incoming, refires: (existing.refires ?? 0) + 1 };
  if (i < e) return existing;
  if (existing.status === 'resolved' && incoming.status === 'firing') return existing;
  return existing.refires === undefined ? incoming : { ...incoming, refires: existing.refires };
}

/** Equality of everything a notification can change (not version or timestamps). */
function sameState(a: AlertGroup, b: AlertGroup): boolean {
  return stableJson(pickState(a)) === stableJson(pickState(b));
}

function pickState(g: AlertGroup) {
  return {
    status: g.status,
    groupLabels: g.groupLabels,
    commonLabels: g.commonLabels,
    commonAnnotations: g.commonAnnotations,
    truncatedAlerts: g.truncatedAlerts,
    alerts: g.alerts,
    routing: g.routing,
    ack: g.ack,
  };
}

export function stableJson(v: unknown): string {
  return JSON.stringify(v, (_k, val) =>
    val && typeof val === 'object' && !Array.isArray(val)
      ? Object.fromEntries(
          Object.keys(val)
            .sort()
            .map((k) => [k, (val as Record<string, unknown>)[k]]),
        )
      : val,
  );
}
