import { type AlertGroup, alertnameOf } from '../../domain/group';
import type { Logger } from '../../logger';
import type {
  AlertStore,
  AuditEntry,
  AuditLog,
  Clock,
  Directory,
  Notifier,
  RollbackEvent,
  RollbackRecord,
  RollbackStore,
  RulesProvider,
} from '../../ports';
import type { Denial } from '../../rollback/access';
import type { RollbackTargetConfig } from '../../rollback/config-schema';
import type { Deployer, RollbackContext } from '../../rollback/deployer';

export interface RollbackOptions {
  /** A request waiting for approval expires after this long. */
  approvalTtlMs: number;
  /** mogo stops waiting for a backend's rollback() after this long and reports a timeout. */
  timeoutMs: number;
  /** How long plan() may take before the dialog says the plan is unknown. */
  planTimeoutMs: number;
  /** A running rollback whose process showed no sign of life for this long is reported interrupted. */
  staleMs: number;
  /** How often a running rollback shows it is alive (well under staleMs). */
  heartbeatMs: number;
  /** On shutdown, how long running rollbacks may still finish before they are reported interrupted. */
  shutdownGraceMs: number;
}

export const DEFAULT_ROLLBACK_OPTIONS: RollbackOptions = {
  approvalTtlMs: 15 * 60_000,
  timeoutMs: 30 * 60_000,
  planTimeoutMs: 15_000,
  staleMs: 60_000,
  heartbeatMs: 10_000,
  shutdownGraceMs: 5_000,
};

/** Narrow metrics hooks, so use cases stay free of prom-client. */
export interface RollbackMetrics {
  /** requested, approved, denied, busy, cancelled, expired */
  decided(decision: string): void;
  /** result: succeeded, failed, interrupted */
  finished(backend: string, result: string, seconds: number): void;
}

export interface RollbackDeps {
  alerts: AlertStore;
  rollbacks: RollbackStore;
  audit: AuditLog;
  /** Tells the group's people what became of a request (Slack: replies in the message's thread). */
  notifier: Notifier;
  directory: Directory;
  /** Targets and roles come from the rules in force, so a reload changes who may do what at once. */
  rules: RulesProvider;
  clock: Clock;
  /** Builds the backend for a target (secrets come from the environment, in the composition root). */
  deployerFor: (target: RollbackTargetConfig) => Deployer;
  logger: Logger;
  /** A rollback changed what a message shows: render it now. */
  onChanged: () => void;
  metrics?: RollbackMetrics;
  options: RollbackOptions;
}

/** Why a rollback step did not happen. Only slack/ (or another surface) turns it into words. */
export type Refusal =
  | { kind: 'group_gone' }
  | { kind: 'no_target' }
  /** The dialog named another target than the group has now (the rules changed meanwhile). */
  | { kind: 'target_changed' }
  | { kind: 'request_gone' }
  | { kind: 'denied'; denial: Denial }
  | { kind: 'self_approval' }
  /** The target is held by another request (pending, approved or running). */
  | { kind: 'busy'; active: RollbackRecord }
  | { kind: 'not_pending'; record: RollbackRecord }
  /** The request was pending past its expiry: it has just been closed as expired. */
  | { kind: 'expired'; record: RollbackRecord };

export type Outcome = { kind: 'ok' } | Refusal;

export const OK: Outcome = { kind: 'ok' };

export function findTarget(deps: Pick<RollbackDeps, 'rules'>, name: string | null | undefined) {
  if (!name) return undefined;
  return deps.rules.current().targets.find((t) => t.name === name);
}

export function rollbackContext(
  target: RollbackTargetConfig,
  actor: string,
  requestId: string,
  group: AlertGroup,
): RollbackContext {
  return {
    target,
    actor,
    requestId,
    alert: {
      groupId: group.id,
      groupKey: group.groupKey,
      alertname: alertnameOf(group) ?? '',
      labels: { ...group.groupLabels, ...group.commonLabels },
    },
  };
}

type Subject = Pick<RollbackRecord, 'groupId' | 'target' | 'backend' | 'environment'> & { id?: string };

/** Every rollback audit row names the group, the request, the target and its backend. */
export function rollbackAudit(
  action: string,
  actor: string,
  subject: Subject,
  details: Record<string, unknown> = {},
): AuditEntry {
  return {
    actor,
    action,
    subject: `group:${subject.groupId}`,
    details: {
      ...(subject.id ? { requestId: subject.id } : {}),
      target: subject.target,
      backend: subject.backend,
      environment: subject.environment,
      ...details,
    },
  };
}

/** Best effort: the message itself always shows the state; an event not told is logged, never fatal. */
export async function tell(
  deps: Pick<RollbackDeps, 'notifier' | 'logger'>,
  event: RollbackEvent,
): Promise<void> {
  try {
    await deps.notifier.notify(event);
  } catch (err) {
    deps.logger.warn(
      { err, groupId: event.record.groupId, event: event.kind },
      'could not tell about a rollback',
    );
  }
}
