import { type Alert, type Notification, priorityRank, type Routing } from '../domain/alert';
import { countByStatus } from '../domain/group';
import { applyNotification } from '../domain/merge';
import type { AlertStore, AuditEntry, Clock, RulesProvider } from '../ports';
import { type RuleSet, routeAlert } from '../rules';

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
  const route = (alerts: Alert[]) => routeGroup(rules, alerts, now);
  const result = await deps.alerts.mutateGroup(n.groupKey, (current) => {
    const next = applyNotification(current, n, route, now);
    if (!next) return null;
    const counts = countByStatus(next);
    const audit: AuditEntry[] = [
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
          alerts: n.alerts.map((a) => ({ fingerprint: a.fingerprint, status: a.status })),
          priority: next.routing.priority,
          score: next.routing.score,
          channel: next.routing.channel,
          rules: next.routing.matched.map((m) => m.rule),
          ...(n.sanitized ? { sanitized: n.sanitized.paths, sanitizedCount: n.sanitized.count } : {}),
        },
      },
    ];
    return { next, audit };
  });
  return result ? { groupId: result.group.id, changed: result.changed } : null;
}

/** A group is as pressing as its most pressing alert; ties go to the higher score. */
export function routeGroup(rules: RuleSet, alerts: Alert[], at: Date): Routing | null {
  let best: Routing | null = null;
  for (const a of alerts) {
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
