import type { AlertGroup } from '../domain/group';
import type { AlertStore, Clock, Directory, RulesProvider } from '../ports';
import { checkConsoleAccess, type Denial } from '../rollback/access';

export interface ActionDeps {
  alerts: AlertStore;
  clock: Clock;
  /** Who may acknowledge: roles with the `ack` permission, once some role declares it. Absent: everyone. */
  access?: { rules: RulesProvider; directory: Directory };
}

export type ActionOutcome =
  | { kind: 'ok'; group: AlertGroup; changed: boolean }
  | { kind: 'group_gone' }
  | { kind: 'denied'; denial: Denial };

/** Marks the group acknowledged by `user` (a Slack user id). Acknowledging twice keeps the first ack. */
export function acknowledgeGroup(deps: ActionDeps, groupId: string, user: string): Promise<ActionOutcome> {
  return changeGroup(deps, groupId, user, (g) => {
    if (g.ack) return null;
    return {
      next: { ...g, ack: { by: user, at: deps.clock.now().toISOString() } },
      audit: [{ actor: user, action: 'alert.acknowledged', subject: `group:${g.id}`, details: detailsOf(g) }],
    };
  });
}

export function unacknowledgeGroup(deps: ActionDeps, groupId: string, user: string): Promise<ActionOutcome> {
  return changeGroup(deps, groupId, user, (g) => {
    if (!g.ack) return null;
    return {
      next: { ...g, ack: null },
      audit: [
        {
          actor: user,
          action: 'alert.unacknowledged',
          subject: `group:${g.id}`,
          details: { ...detailsOf(g), previousAck: g.ack },
        },
      ],
    };
  });
}

type Decide = Parameters<AlertStore['mutateGroup']>[1];

async function changeGroup(
  deps: ActionDeps,
  groupId: string,
  user: string,
  decide: (g: AlertGroup) => ReturnType<Decide>,
): Promise<ActionOutcome> {
  if (deps.access) {
    const decision = await checkConsoleAccess(
      deps.access.directory,
      deps.access.rules.current().roles,
      user,
      'ack',
    );
    if (!decision.allowed) return { kind: 'denied', denial: decision.denial };
  }
  const found = await deps.alerts.getGroupToShow(groupId, 0); // only its key: mutateGroup reads the rest
  if (!found) return { kind: 'group_gone' };
  const r = await deps.alerts.mutateGroup(found.groupKey, (current) => (current ? decide(current) : null));
  if (!r) return { kind: 'group_gone' };
  return { kind: 'ok', group: r.group, changed: r.changed };
}

function detailsOf(g: AlertGroup): Record<string, unknown> {
  return { groupKey: g.groupKey, status: g.status, priority: g.routing.priority };
}
