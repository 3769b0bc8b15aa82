import type { Priority } from '../domain/alert';
import type { AlertGroup } from '../domain/group';
import { findTarget } from '../incidents/rollback/deps';
import type { ChatMessage, RollbackStore, RulesProvider, SilenceStore } from '../ports';
import { renderAlertGroup } from './blocks/alert-group';

/**
 * The render worker's `render`: a group's message with its rollback state (whether a target is declared now,
 * and the group's latest request) and its active silences. Reads the rollback store, so it lives here and not in the pure renderers.
 */
export function createAlertRenderer(deps: {
  rules: RulesProvider;
  rollbacks: Pick<RollbackStore, 'latestForGroup'>;
  /** mogo's silences, when real silences are configured (ALERTMANAGER_URL). */
  silences?: Pick<SilenceStore, 'activeForGroup'> | undefined;
  /** Priorities whose messages offer Declare incident (INCIDENT_DECLARE_PRIORITIES); default P1 and P2. */
  declarePriorities?: readonly Priority[];
}): (group: AlertGroup) => Promise<ChatMessage> {
  const declare = deps.declarePriorities ?? ['P1', 'P2'];
  return async (g) =>
    renderAlertGroup(g, {
      rollback: {
        available: findTarget(deps, g.routing.rollbackTarget) !== undefined,
        latest: await deps.rollbacks.latestForGroup(g.id),
      },
      ...(deps.silences ? { silence: { active: await deps.silences.activeForGroup(g.id) } } : {}),
      declare: declare.includes(g.routing.priority),
    });
}
