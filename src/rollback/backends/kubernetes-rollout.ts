import { AppError } from '../../errors';
import type { Deployer, ProgressFn, RollbackPlan, RollbackResult } from '../deployer';
import { follow, type Step } from './follow';
import type { KubeApi, KubeSettings } from './kubernetes-client';
import {
  conditionOf,
  ownedBy,
  previousRevision,
  type ReplicaSet,
  type RevisionChoice,
  ROLLOUT_HASH_LABEL,
  ROLLOUT_REVISION,
  restorableTemplate,
  revisionOf,
  revisionPlan,
  sameTemplate,
  selectorOf,
  type Workload,
} from './kubernetes-objects';
import type { Runtime } from './runtime';

type Operations = Pick<Deployer, 'plan' | 'rollback'>;

interface RolloutStatus {
  abort?: boolean;
  currentPodHash?: string;
  stableRS?: string;
  phase?: string;
  message?: string;
  observedGeneration?: string | number;
  availableReplicas?: number;
}

type Prepared =
  | { action: 'abort'; ro: Workload; plan: RollbackPlan }
  | { action: 'undo'; ro: Workload; plan: RollbackPlan; choice: RevisionChoice };

/**
 * Argo Rollouts, as its kubectl plugin does it. Abort: a merge patch of `{"status":{"abort":true}}` on the
 * status subresource; the controller sends traffic back to the stable ReplicaSet and scales the update down.
 * Undo: the previous revision's ReplicaSet template patched into `/spec/template` behind a resourceVersion
 * test, then followed until the Rollout is Healthy. `rollout_action: auto` aborts an update in progress
 * (nothing to undo yet: the stable revision is still serving) and undoes a finished one.
 */
export function rolloutOperations(s: KubeSettings, api: KubeApi, rt: Runtime): Operations {
  const ns = encodeURIComponent(s.namespace);
  const path = `/apis/argoproj.io/v1alpha1/namespaces/${ns}/rollouts/${encodeURIComponent(s.name)}`;
  const name = `Rollout ${s.namespace}/${s.name}`;
  const refuse = (text: string): AppError =>
    new AppError('ROLLBACK_REFUSED', `target "${rt.target}": ${text}`, { details: { rollout: name } });

  async function prepare(): Promise<Prepared> {
    const ro = await api.get<Workload>(path, name);
    const st = (ro.status ?? {}) as RolloutStatus;
    const updating = Boolean(
      st.currentPodHash && st.stableRS && st.currentPodHash !== st.stableRS && !st.abort,
    );
    const action = s.rollout_action === 'auto' ? (updating ? 'abort' : 'undo') : s.rollout_action;
    const all = await api.list<ReplicaSet>(
      `/apis/apps/v1/namespaces/${ns}/replicasets`,
      selectorOf(ro),
      `ReplicaSets in namespace ${s.namespace}`,
    );
    const owned = ownedBy(all, ro);
    const current = revisionOf(ro.metadata, ROLLOUT_REVISION);
    if (action === 'abort') {
      if (st.abort) throw refuse(`${name} is already aborted`);
      if (!updating) throw refuse(`${name} has no update in progress to abort`);
      const stable = owned.find((rs) => rs.metadata.labels?.[ROLLOUT_HASH_LABEL] === st.stableRS);
      const stableRevision = stable ? revisionOf(stable.metadata, ROLLOUT_REVISION) : undefined;
      return {
        action,
        ro,
        plan: {
          summary: `${name}: abort the update to revision ${current ?? '?'} and return to the stable revision ${stableRevision ?? st.stableRS}`,
          ...(current === undefined ? {} : { fromRevision: String(current) }),
          ...(stableRevision === undefined ? {} : { toRevision: String(stableRevision) }),
        },
      };
    }
    if (ro.spec.workloadRef)
      throw refuse(`${name} takes its template from workloadRef; roll back that workload instead`);
    if (ro.spec.paused) throw refuse('cannot roll back a paused Rollout; resume it first');
    const choice = previousRevision(ro, owned, ROLLOUT_REVISION, `target "${rt.target}": ${name}`);
    if (sameTemplate(ro.spec.template, choice.target.spec.template, ROLLOUT_HASH_LABEL)) {
      throw refuse(`${name} already runs the template of revision ${choice.targetRevision}`);
    }
    return {
      action,
      ro,
      choice,
      plan: revisionPlan(
        name,
        choice.current,
        choice.targetRevision,
        ro.spec.template,
        choice.target.spec.template,
      ),
    };
  }

  return {
    async plan() {
      return (await prepare()).plan;
    },
    async rollback(_ctx, progress) {
      const p = await prepare();
      return p.action === 'abort' ? abort(p, progress) : undo(p.ro, p.choice, p.plan, progress);
    },
  };

  async function abort(
    p: { ro: Workload; plan: RollbackPlan },
    progress: ProgressFn,
  ): Promise<RollbackResult> {
    progress(`aborting the update of ${name}`);
    await api.patch(
      `${path}/status`,
      'application/merge-patch+json',
      { status: { abort: true } },
      name,
      'Rollout',
    );
    const want = p.ro.spec.replicas ?? 1;
    await follow(
      rt,
      `the abort of ${name}`,
      async (): Promise<Step<Workload>> => {
        const ro = await api.get<Workload>(path, name);
        const st = (ro.status ?? {}) as RolloutStatus;
        const seen =
          st.abort === true &&
          (conditionOf(ro, 'Progressing')?.reason === 'RolloutAborted' ||
            /^RolloutAborted/.test(st.message ?? ''));
        if (!seen) return { done: false, line: 'waiting for the Argo Rollouts controller to see the abort' };
        const available = st.availableReplicas ?? 0;
        if (available < want)
          return { done: false, line: `aborting: ${available} of ${want} replicas available` };
        return { done: true, value: ro };
      },
      progress,
    );
    return {
      summary: `${name} aborted; back on the stable revision ${p.plan.toRevision ?? ''}`.trim(),
      details: {
        kind: 'Rollout',
        action: 'abort',
        namespace: s.namespace,
        name: s.name,
        ...revisions(p.plan),
      },
    };
  }

  async function undo(ro: Workload, choice: RevisionChoice, plan: RollbackPlan, progress: ProgressFn) {
    const patch = [
      { op: 'test', path: '/metadata/resourceVersion', value: ro.metadata.resourceVersion },
      { op: 'replace', path: '/spec/template', value: restorableTemplate(choice.target, ROLLOUT_HASH_LABEL) },
    ];
    progress(`restoring the template of revision ${choice.targetRevision} into ${name}`);
    await api.patch(path, 'application/json-patch+json', patch, name, 'Rollout');
    const final = await follow(
      rt,
      `the rollout of ${name}`,
      async () => undoStatus(await api.get<Workload>(path, name)),
      progress,
    );
    const now = revisionOf(final.metadata, ROLLOUT_REVISION);
    return {
      summary: `${name} rolled back to the template of revision ${choice.targetRevision}${now ? ` (now revision ${now})` : ''}; Healthy`,
      details: {
        kind: 'Rollout',
        action: 'undo',
        namespace: s.namespace,
        name: s.name,
        ...revisions(plan),
        ...(now ? { newRevision: String(now) } : {}),
      },
    };
  }

  function undoStatus(ro: Workload): Step<Workload> {
    const st = (ro.status ?? {}) as RolloutStatus;
    if (String(st.observedGeneration ?? '') !== String(ro.metadata.generation ?? '')) {
      return { done: false, line: 'waiting for the Argo Rollouts controller to see the change' };
    }
    if (st.phase === 'Healthy') return { done: true, value: ro };
    if (st.phase === 'Degraded') {
      throw new AppError(
        'ROLLBACK_FAILED',
        `target "${rt.target}": ${name} is Degraded: ${st.message ?? 'no message'}`,
        {
          details: { rollout: name, phase: st.phase, message: st.message },
        },
      );
    }
    return { done: false, line: `${st.phase ?? 'Progressing'}${st.message ? `: ${st.message}` : ''}` };
  }
}

function revisions(plan: RollbackPlan): Record<string, string> {
  return {
    ...(plan.fromRevision === undefined ? {} : { fromRevision: plan.fromRevision }),
    ...(plan.toRevision === undefined ? {} : { toRevision: plan.toRevision }),
  };
}
