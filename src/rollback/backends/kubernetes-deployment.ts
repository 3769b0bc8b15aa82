import { AppError } from '../../errors';
import type { Deployer, RollbackPlan } from '../deployer';
import { follow, type Step } from './follow';
import type { KubeApi, KubeSettings } from './kubernetes-client';
import {
  conditionOf,
  DEPLOYMENT_HASH_LABEL,
  DEPLOYMENT_REVISION,
  ownedBy,
  previousRevision,
  type ReplicaSet,
  type RevisionChoice,
  restorableTemplate,
  revisionOf,
  revisionPlan,
  sameTemplate,
  selectorOf,
  type Workload,
} from './kubernetes-objects';
import type { Runtime } from './runtime';

/** Annotations `kubectl rollout undo` keeps from the Deployment rather than copying from the ReplicaSet. */
const KEEP_FROM_DEPLOYMENT = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  'deployment.kubernetes.io/revision',
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'deprecated.deployment.rollback.to',
]);

type Operations = Pick<Deployer, 'plan' | 'rollback'>;

/**
 * `kubectl rollout undo deployment/<name>` over HTTP: the previous revision's ReplicaSet template is patched
 * back into the Deployment with a JSON patch whose first op tests the resourceVersion read, so a Deployment
 * changed in between is never overwritten; then the rollout is followed as `kubectl rollout status` does.
 */
export function deploymentOperations(s: KubeSettings, api: KubeApi, rt: Runtime): Operations {
  const ns = encodeURIComponent(s.namespace);
  const path = `/apis/apps/v1/namespaces/${ns}/deployments/${encodeURIComponent(s.name)}`;
  const name = `Deployment ${s.namespace}/${s.name}`;

  async function prepare(): Promise<{ dep: Workload; choice: RevisionChoice; plan: RollbackPlan }> {
    const dep = await api.get<Workload>(path, name);
    if (dep.spec.paused) {
      throw new AppError(
        'ROLLBACK_REFUSED',
        `target "${rt.target}": cannot roll back a paused Deployment; resume it first`,
        {
          details: { deployment: name },
        },
      );
    }
    const all = await api.list<ReplicaSet>(
      `/apis/apps/v1/namespaces/${ns}/replicasets`,
      selectorOf(dep),
      `ReplicaSets in namespace ${s.namespace}`,
    );
    const choice = previousRevision(
      dep,
      ownedBy(all, dep),
      DEPLOYMENT_REVISION,
      `target "${rt.target}": ${name}`,
    );
    if (sameTemplate(dep.spec.template, choice.target.spec.template, DEPLOYMENT_HASH_LABEL)) {
      throw new AppError(
        'ROLLBACK_REFUSED',
        `target "${rt.target}": ${name} already runs the template of revision ${choice.targetRevision}`,
        { details: { deployment: name, revision: choice.targetRevision } },
      );
    }
    return {
      dep,
      choice,
      plan: revisionPlan(
        name,
        choice.current,
        choice.targetRevision,
        dep.spec.template,
        choice.target.spec.template,
      ),
    };
  }

  return {
    async plan() {
      return (await prepare()).plan;
    },

    async rollback(_ctx, progress) {
      const { dep, choice, plan } = await prepare();
      const annotations: Record<string, string> = {};
      for (const [k, v] of Object.entries(dep.metadata.annotations ?? {})) {
        if (KEEP_FROM_DEPLOYMENT.has(k)) annotations[k] = v;
      }
      for (const [k, v] of Object.entries(choice.target.metadata.annotations ?? {})) {
        if (!KEEP_FROM_DEPLOYMENT.has(k)) annotations[k] = v;
      }
      const patch = [
        { op: 'test', path: '/metadata/resourceVersion', value: dep.metadata.resourceVersion },
        {
          op: 'replace',
          path: '/spec/template',
          value: restorableTemplate(choice.target, DEPLOYMENT_HASH_LABEL),
        },
        {
          op: dep.metadata.annotations ? 'replace' : 'add',
          path: '/metadata/annotations',
          value: annotations,
        },
      ];
      progress(`restoring the template of revision ${choice.targetRevision} into ${name}`);
      await api.patch<Workload>(path, 'application/json-patch+json', patch, name, 'Deployment');
      const final = await follow(
        rt,
        `the rollout of ${name}`,
        async () => status(await api.get<Workload>(path, name)),
        progress,
      );
      const replicas = final.spec.replicas ?? 1;
      const now = revisionOf(final.metadata, DEPLOYMENT_REVISION);
      return {
        summary: `${name} rolled back to the template of revision ${choice.targetRevision}${now ? ` (now revision ${now})` : ''}; ${replicas}/${replicas} replicas available`,
        details: {
          kind: 'Deployment',
          namespace: s.namespace,
          name: s.name,
          fromRevision: plan.fromRevision,
          toRevision: plan.toRevision,
          ...(now ? { newRevision: String(now) } : {}),
          replicas,
        },
      };
    },
  };

  /** The checks and words of `kubectl rollout status deployment/<name>`. */
  function status(d: Workload): Step<Workload> {
    const st = (d.status ?? {}) as Record<string, number | undefined>;
    if ((d.metadata.generation ?? 0) > (st.observedGeneration ?? 0)) {
      return { done: false, line: 'waiting for the Deployment controller to see the change' };
    }
    const progressing = conditionOf(d, 'Progressing');
    if (progressing?.reason === 'ProgressDeadlineExceeded') {
      throw new AppError(
        'ROLLBACK_FAILED',
        `target "${rt.target}": ${name} exceeded its progress deadline${progressing.message ? `: ${progressing.message}` : ''}`,
        { details: { deployment: name, reason: progressing.reason, message: progressing.message } },
      );
    }
    const want = d.spec.replicas ?? 1;
    const updated = st.updatedReplicas ?? 0;
    const total = st.replicas ?? 0;
    const available = st.availableReplicas ?? 0;
    if (updated < want) return { done: false, line: `${updated} of ${want} new replicas have been updated` };
    if (total > updated)
      return { done: false, line: `${total - updated} old replicas are pending termination` };
    if (available < updated)
      return { done: false, line: `${available} of ${updated} updated replicas are available` };
    return { done: true, value: d };
  }
}
