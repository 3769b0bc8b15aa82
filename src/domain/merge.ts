import { runAtOnce } from '../yielding';
import type { Alert, Notification, Routing } from './alert';
import { type AlertGroup, groupIdOf } from './group';

/** How long a resolved alert stays in a group's stored state (it stays in the audit log for good). */
export const RESOLVED_RETENTION_MS = 60 * 60_000;
/** At most this many resolved alerts are kept per group, however recent: the newest ones. */
export const MAX_RESOLVED_KEPT = 1_000;

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
  // biome-ignore lint/correctness/useYield: routed at once, as the caller asked
  const routeSteps = function* (alerts: Alert[]) {
    return routeGroup(alerts);
  };
  return runAtOnce(mergeSteps(current, n, routeSteps, now));
}

/** Alerts merged between two yields of mergeSteps. */
const SLICE = 500;

/**
 * applyNotification as a generator that yields between slices of alerts (see yielding.ts); the group's routing
 * is worked out by `routeSteps`, which may yield too (routing 10,000 alerts is itself long).
 */
export function* mergeSteps(
  current: AlertGroup | null,
  n: Notification,
  routeSteps: (alerts: Alert[]) => Generator<void, Routing | null>,
  now: Date,
): Generator<void, AlertGroup | null> {
  const byFp = new Map<string, Alert>();
  for (const a of current?.alerts ?? []) byFp.set(a.fingerprint, a);
  // alerts keep their identity unless they change, so "did anything change" needs no deep comparison
  let alertsChanged = false;
  const cutoff = now.getTime() - RESOLVED_RETENTION_MS;
  for (const [i, incoming] of n.alerts.entries()) {
    if (i > 0 && i % SLICE === 0) yield;
    const existing = byFp.get(incoming.fingerprint);
    // a resolved alert past retention that is not held, in a group that pruned some: pruned already
    // (Alertmanager resends resolved alerts for a while); counted once, in prunedResolved
    if (!existing && current?.prunedResolved && incoming.status === 'resolved' && endOf(incoming) < cutoff)
      continue;
    const next = existing ? newerOf(existing, incoming) : incoming;
    if (existing && sameAlert(existing, next)) continue;
    byFp.set(
      incoming.fingerprint,
      next.status === 'resolved' ? { ...next, resolvedAt: now.toISOString() } : next,
    );
    alertsChanged = true;
  }
  if (n.status === 'resolved' && n.truncatedAlerts === 0) {
    for (const [fp, a] of byFp)
      if (a.status === 'firing') {
        byFp.set(fp, { ...a, status: 'resolved', resolvedAt: now.toISOString() });
        alertsChanged = true;
      }
  }
  const pruned = pruneResolved([...byFp.values()], now);
  const alerts = pruned.kept;
  if (pruned.dropped > 0) alertsChanged = true;
  const status = alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved';
  const firing = alerts.filter((a) => a.status === 'firing');
  yield;
  const routing = (yield* routeSteps(firing.length > 0 ? firing : alerts)) ?? current?.routing;
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
    ...((current?.prunedResolved ?? 0) + pruned.dropped > 0
      ? { prunedResolved: (current?.prunedResolved ?? 0) + pruned.dropped }
      : {}),
    routing,
    ack: refired ? null : (current?.ack ?? null),
    version: current?.version ?? 0,
    createdAt: current?.createdAt ?? now.toISOString(),
    updatedAt: now.toISOString(),
  };
  if (current && !alertsChanged && sameState(current, next)) return null;
  return next;
}

/**
 * Drops resolved alerts that resolved (as mogo learned it) more than RESOLVED_RETENTION_MS ago, and the oldest
 * beyond MAX_RESOLVED_KEPT, so the stored state (and every notification's cost) stays bounded. Firing alerts stay.
 */
export function pruneResolved(alerts: Alert[], now: Date): { kept: Alert[]; dropped: number } {
  const cutoff = now.getTime() - RESOLVED_RETENTION_MS;
  const resolved = alerts.filter((a) => a.status === 'resolved');
  let drop = new Set(resolved.filter((a) => endOf(a) < cutoff));
  const recent = resolved.filter((a) => !drop.has(a));
  if (recent.length > MAX_RESOLVED_KEPT) {
    const oldest = [...recent]
      .sort((a, b) => endOf(a) - endOf(b))
      .slice(0, recent.length - MAX_RESOLVED_KEPT);
    drop = new Set([...drop, ...oldest]);
  }
  if (drop.size === 0) return { kept: alerts, dropped: 0 };
  return { kept: alerts.filter((a) => !drop.has(a)), dropped: drop.size };
}

const endOf = (a: Alert) => Date.parse(a.resolvedAt ?? a.endsAt ?? a.startsAt);

function sameAlert(a: Alert, b: Alert): boolean {
  return (
    a.status === b.status &&
    a.startsAt === b.startsAt &&
    a.endsAt === b.endsAt &&
    a.generatorURL === b.generatorURL &&
    a.refires === b.refires &&
    sameRecord(a.labels, b.labels) &&
    sameRecord(a.annotations, b.annotations)
  );
}

function sameRecord(a: Record<string, string>, b: Record<string, string>): boolean {
  let n = 0;
  for (const k in a) {
    if (a[k] !== b[k]) return false;
    n++;
  }
  for (const _ in b) n--;
  return n === 0;
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

/** Everything but the alerts, which applyNotification compares one by one as it merges them. */
function pickState(g: AlertGroup) {
  return {
    status: g.status,
    groupLabels: g.groupLabels,
    commonLabels: g.commonLabels,
    commonAnnotations: g.commonAnnotations,
    truncatedAlerts: g.truncatedAlerts,
    alertCount: g.alerts.length,
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
