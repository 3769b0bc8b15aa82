import type { BackendName, RollbackTargetConfig } from './config-schema';

/** What a rollback is about: the target from rules/, who asked, which alert group, and an idempotency key. */
export interface RollbackContext {
  target: RollbackTargetConfig;
  /** The Slack user id that Slack signed for (requester, or approver when approval is needed). */
  actor: string;
  /** Unique per rollback request; sent to backends that accept an idempotency key. */
  requestId: string;
  alert: {
    groupId: string;
    groupKey: string;
    alertname: string;
    labels: Record<string, string>;
  };
}

/** What a rollback would do, shown in the confirmation dialog before anything runs. */
export interface RollbackPlan {
  /** One line, e.g. "Deployment shop/api: revision 42 -> 41". */
  summary: string;
  fromRevision?: string;
  toRevision?: string;
}

export interface RollbackResult {
  /** One line for the thread and the audit row, e.g. "Argo CD synced shop-api to history id 7 (Healthy)". */
  summary: string;
  /** A short, secret-free summary of the backend's answer for the audit row. */
  details: Record<string, unknown>;
}

/** Progress lines ("dispatching workflow", "operation Running: 2/5 resources synced") for the message thread. */
export type ProgressFn = (line: string) => void;

/**
 * One deploy backend (GitHub Actions, Argo CD, Kubernetes, signed webhook). Failures are AppErrors with the
 * ROLLBACK_* codes so the flow can say plainly what went wrong; nothing is retried unless it is safe to.
 */
export interface Deployer {
  readonly backend: BackendName;
  /** Read-only look at what would happen (may call the backend). Must not change anything. */
  plan(ctx: RollbackContext): Promise<RollbackPlan>;
  /** Performs the rollback and follows it to its end (or a timeout). */
  rollback(ctx: RollbackContext, progress: ProgressFn): Promise<RollbackResult>;
}

/** Secrets come from the environment, looked up by the name given in the target's settings. */
export type SecretLookup = (envVar: string) => string | undefined;
