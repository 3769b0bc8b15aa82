import type { RollbackState } from '../../src/domain/rollback';
import type { RollbackRecord } from '../../src/ports';

/** A rollback request of `api-prod` (argocd, production) by UALICE, requested at 2026-11-23 23:20 UTC. */
export function sampleRollback(state: RollbackState, over: Partial<RollbackRecord> = {}): RollbackRecord {
  const at = new Date('2026-11-23T23:20:00Z');
  return {
    id: 'req-1',
    groupId: 'g1',
    target: 'api-prod',
    backend: 'argocd',
    environment: 'production',
    requestedBy: 'UALICE',
    approvedBy: null,
    cancelledBy: null,
    state,
    requestedAt: at,
    updatedAt: at,
    expiresAt: null,
    startedAt: null,
    finishedAt: null,
    heartbeatAt: null,
    plan: null,
    summary: null,
    details: {},
    ...over,
  };
}
