import { type Alert, type Notification, priorityRank, type Routing } from '../domain/alert';
import { type AlertGroup, countByStatus, groupIdOf } from '../domain/group';
import { applyNotification, mergeSteps } from '../domain/merge';
import type { AlertStore, AuditEntry, Clock, RulesProvider } from '../ports';
import { type RuleSet, routeAlert } from '../rules';
import { runAtOnce, runYielding } from '../yielding';

export interface ReceiveDeps {
  alerts: AlertStore;
  rules: RulesProvider;
  clock: Clock;
}

export interface ReceiveResult {
  groupId: string;
  changed: boolean;
}

/**
 * Records one Alertmanager notification: merges it into the group's durable state, audits `alert.received`
 * and queues the Slack render, all in one transaction. A duplicate changes nothing and writes nothing.
 */
export async function receiveNotification(deps: ReceiveDeps, n: Notification): Promise<ReceiveResult | null> {
  const now = deps.clock.now();
  const rules = deps.rules.current();
  const changeOf = (next: AlertGroup | null) => (next ? { next, audit: receivedAudit(n, next) } : null);
  const planned = await planLarge(deps, n, (alerts) => routeGroupSteps(rules, alerts, now), now);
  if (planned) {
    // the merge worked out before the transaction holds if nobody changed the group meanwhile
    const applied = await deps.alerts.applyPlanned(n.groupKey, planned.base, changeOf(planned.next));
    if (applied !== 'stale') return applied;
  }
  const result = await deps.alerts.mutateGroup(n.groupKey, (current) =>
    changeOf(applyNotification(current, n, (alerts) => routeGroup(rules, alerts, now), now)),
  );
  return result ? { groupId: result.group.id, changed: result.changed } : null;
}

function receivedAudit(n: Notification, next: AlertGroup): AuditEntry[] {
  const counts = countByStatus(next);
  return [
    {
      actor: 'alertmanager',
      action: 'alert.received',
      subject: `group:${next.id}`,
      details: {
        groupKey: n.groupKey,
        receiver: n.receiver,
        notificationStatus: n.status,
        groupStatus: next.status,
        firing: counts.firing,
        resolved: counts.resolved,
        truncatedAlerts: n.truncatedAlerts,
        alerts: fingerprintsByStatus(n),
        priority: next.routing.priority,
        score: next.routing.score,
        channel: next.routing.channel,
        rules: next.routing.matched.map((m) => m.rule),
        ...(n.sanitized ? { sanitized: n.sanitized.paths, sanitizedCount: n.sanitized.count } : {}),
      },
    },
  ];
}

/**
 * The notification's alerts as fingerprints listed by status: what happened to which alert, a third of the size of
 * a `{ fingerprint, status }` object per alert (a 10,000-alert row is hashed into the audit chain in one statement).
 */
function fingerprintsByStatus(n: Notification): { firing: string[]; resolved: string[] } {
  const out = { firing: [] as string[], resolved: [] as string[] };
  for (const a of n.alerts) out[a.status].push(a.fingerprint);
  return out;
}

/** Notifications with more alerts than this are merged before the transaction, yielding as they go. */
const LARGE = 500;

/**
 * A large notification (thousands of alerts) is merged outside the group's transaction, with turns of the event
 * loop between slices, so /healthz and Slack's acks never wait on it; the transaction then only checks that the
 * group is still at the version the merge started from.
 */
async function planLarge(
  deps: ReceiveDeps,
  n: Notification,
  route: (alerts: Alert[]) => Generator<void, Routing | null>,
  now: Date,
): Promise<{ base: AlertGroup | null; next: AlertGroup | null } | null> {
  if (n.alerts.length <= LARGE) return null;
  const base = await deps.alerts.getGroup(groupIdOf(n.groupKey));
  return { base, next: await runYielding(mergeSteps(base, n, route, now)) };
}

/** A group is as pressing as its most pressing alert; ties go to the higher score. */
export function routeGroup(rules: RuleSet, alerts: Alert[], at: Date): Routing | null {
  return runAtOnce(routeGroupSteps(rules, alerts, at));
}

/** Alerts routed between two yields of routeGroupSteps. */
const ROUTE_SLICE = 500;

/** routeGroup as a generator that yields between slices of alerts (see yielding.ts). */
function* routeGroupSteps(rules: RuleSet, alerts: Alert[], at: Date): Generator<void, Routing | null> {
  let best: Routing | null = null;
  for (const [i, a] of alerts.entries()) {
    if (i > 0 && i % ROUTE_SLICE === 0) yield;
    const r = routeAlert(rules, a, at, { refires: a.refires ?? 0 });
    if (
      !best ||
      priorityRank(r.priority) < priorityRank(best.priority) ||
      (r.priority === best.priority && r.score > best.score)
    )
      best = r;
  }
  return best;
}
