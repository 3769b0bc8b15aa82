import { createHash, randomUUID } from 'node:crypto';
import { deepEqual } from './kubernetes-patch';

/**
 * The objects of the fake Kubernetes API and a tiny controller for each workload kind. Every write bumps
 * resourceVersion; a spec change bumps generation. A template change makes the controller do what the real
 * one does: reuse the owned ReplicaSet with the same template (or make one), give it the next revision and
 * roll out over the next GETs, along the workload's `progress` mode.
 */

export type KObject = Record<string, any>;
export type Resource = 'deployments' | 'replicasets' | 'rollouts';

/** How a rollout after a template change (or an abort) goes. */
export type ProgressMode = 'complete' | 'stuck' | 'deadline' | 'degraded' | 'paused';

const HASH_LABEL: Record<string, string> = {
  deployments: 'pod-template-hash',
  rollouts: 'rollouts-pod-template-hash',
};
const REVISION: Record<string, string> = {
  deployments: 'deployment.kubernetes.io/revision',
  rollouts: 'rollout.argoproj.io/revision',
};

export class KubeState {
  private readonly objects = new Map<string, KObject>();
  /** Status snapshots still to be shown, one per GET, per workload key. */
  private readonly pending = new Map<string, KObject[]>();
  readonly modes = new Map<string, ProgressMode>();
  private rv = 1000;

  static key(resource: Resource, ns: string, name: string): string {
    return `${resource}/${ns}/${name}`;
  }

  put(resource: Resource, obj: KObject): KObject {
    const o = structuredClone(obj);
    o.metadata.uid ??= randomUUID();
    o.metadata.generation ??= 1;
    o.metadata.resourceVersion = String(++this.rv);
    this.objects.set(KubeState.key(resource, o.metadata.namespace, o.metadata.name), o);
    return o;
  }

  get(resource: Resource, ns: string, name: string): KObject | undefined {
    return this.objects.get(KubeState.key(resource, ns, name));
  }

  list(resource: Resource, ns: string, selector: Record<string, string>): KObject[] {
    return [...this.objects.entries()]
      .filter(([k]) => k.startsWith(`${resource}/${ns}/`))
      .map(([, o]) => o)
      .filter((o) => Object.entries(selector).every(([k, v]) => o.metadata.labels?.[k] === v));
  }

  /** Stores `next` over `current` (spec/metadata write); the status stays the server's. */
  writeSpec(resource: Resource, current: KObject, next: KObject): KObject {
    next.status = current.status;
    next.metadata.uid = current.metadata.uid;
    next.metadata.generation = current.metadata.generation;
    if (!deepEqual(next.spec, current.spec)) next.metadata.generation += 1;
    next.metadata.resourceVersion = String(++this.rv);
    const key = KubeState.key(resource, next.metadata.namespace, next.metadata.name);
    this.objects.set(key, next);
    if (resource !== 'replicasets' && !deepEqual(next.spec.template, current.spec.template))
      this.rollOut(resource, next, key);
    return next;
  }

  writeStatus(resource: Resource, current: KObject, status: KObject): KObject {
    const next = {
      ...current,
      status,
      metadata: { ...current.metadata, resourceVersion: String(++this.rv) },
    };
    const key = KubeState.key(resource, next.metadata.namespace, next.metadata.name);
    this.objects.set(key, next);
    if (resource === 'rollouts' && status.abort === true && current.status?.abort !== true)
      this.abort(next, key);
    return next;
  }

  /** Bumps resourceVersion as any other writer (an HPA, a CI job) would. */
  touch(resource: Resource, ns: string, name: string): void {
    const o = this.get(resource, ns, name);
    if (o) o.metadata.resourceVersion = String(++this.rv);
  }

  /** Called on each GET of a workload: shows the next status snapshot, if any. */
  tick(resource: Resource, ns: string, name: string): void {
    const key = KubeState.key(resource, ns, name);
    const queue = this.pending.get(key);
    const o = this.objects.get(key);
    if (!queue || !o) return;
    // the last snapshot stays: a stuck or paused rollout shows it for ever
    o.status = { ...o.status, ...structuredClone(queue.shift()!) };
    if (queue.length === 0) this.pending.delete(key);
  }

  private rollOut(resource: Resource, w: KObject, key: string): void {
    const hashLabel = HASH_LABEL[resource]!;
    const revKey = REVISION[resource]!;
    const owned = this.list('replicasets', w.metadata.namespace, {}).filter((rs) =>
      rs.metadata.ownerReferences?.some((r: KObject) => r.controller && r.uid === w.metadata.uid),
    );
    const strip = (t: KObject): KObject => {
      const c = structuredClone(t);
      delete c.metadata?.labels?.[hashLabel];
      return c;
    };
    const revision = Math.max(0, ...owned.map((rs) => Number(rs.metadata.annotations?.[revKey] ?? 0))) + 1;
    let rs = owned.find((r) => deepEqual(strip(r.spec.template), strip(w.spec.template)));
    if (!rs) {
      const hash = createHash('sha256').update(JSON.stringify(w.spec.template)).digest('hex').slice(0, 10);
      const template = structuredClone(w.spec.template);
      template.metadata = {
        ...template.metadata,
        labels: { ...template.metadata?.labels, [hashLabel]: hash },
      };
      rs = this.put('replicasets', {
        metadata: {
          name: `${w.metadata.name}-${hash}`,
          namespace: w.metadata.namespace,
          labels: template.metadata.labels,
          annotations: {},
          ownerReferences: [
            {
              apiVersion: 'apps/v1',
              kind: w.kind,
              name: w.metadata.name,
              uid: w.metadata.uid,
              controller: true,
            },
          ],
        },
        spec: { replicas: 0, template },
      });
    }
    rs.metadata.annotations = { ...rs.metadata.annotations, [revKey]: String(revision) };
    w.metadata.annotations = { ...w.metadata.annotations, [revKey]: String(revision) };
    const mode = this.modes.get(key) ?? 'complete';
    const gen = w.metadata.generation;
    const want = w.spec.replicas ?? 1;
    const hash = rs.spec.template.metadata.labels[hashLabel];
    this.pending.set(
      key,
      resource === 'deployments' ? deploymentSteps(gen, want, mode) : rolloutSteps(gen, want, hash, mode),
    );
  }

  private abort(w: KObject, key: string): void {
    const want = w.spec.replicas ?? 1;
    const revision = w.metadata.annotations?.[REVISION.rollouts!];
    const aborted = {
      phase: 'Degraded',
      message: `RolloutAborted: Rollout aborted update to revision ${revision}`,
      conditions: [
        {
          type: 'Progressing',
          status: 'False',
          reason: 'RolloutAborted',
          message: `Rollout aborted update to revision ${revision}`,
        },
      ],
    };
    this.pending.set(key, [
      {},
      { ...aborted, availableReplicas: want - 1 },
      { ...aborted, availableReplicas: want },
    ]);
  }
}

function deploymentSteps(gen: number, want: number, mode: ProgressMode): KObject[] {
  const steps: KObject[] = [{}];
  for (let u = 1; u <= want; u++)
    steps.push({ observedGeneration: gen, updatedReplicas: u, replicas: want + 1, availableReplicas: want });
  if (mode === 'stuck') return steps.slice(0, 2);
  if (mode === 'deadline') {
    const cond = {
      type: 'Progressing',
      status: 'False',
      reason: 'ProgressDeadlineExceeded',
      message: 'ReplicaSet has timed out progressing.',
    };
    return [...steps.slice(0, 2), { ...steps[1], conditions: [cond] }];
  }
  steps.push({ observedGeneration: gen, updatedReplicas: want, replicas: want, availableReplicas: want - 1 });
  steps.push({
    observedGeneration: gen,
    updatedReplicas: want,
    replicas: want,
    availableReplicas: want,
    conditions: [{ type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' }],
  });
  return steps;
}

function rolloutSteps(gen: number, want: number, hash: string, mode: ProgressMode): KObject[] {
  const observed = { observedGeneration: String(gen), currentPodHash: hash, abort: false };
  const steps: KObject[] = [
    {},
    { ...observed, phase: 'Progressing', message: 'more replicas need to be updated' },
  ];
  if (mode === 'paused') return [...steps, { ...observed, phase: 'Paused', message: 'CanaryPauseStep' }];
  if (mode === 'degraded') {
    return [
      ...steps,
      {
        ...observed,
        phase: 'Degraded',
        message: 'ProgressDeadlineExceeded: ReplicaSet has timed out progressing.',
      },
    ];
  }
  steps.push({ ...observed, phase: 'Progressing', message: 'updated replicas are still becoming available' });
  steps.push({ ...observed, phase: 'Healthy', message: '', stableRS: hash, availableReplicas: want });
  return steps;
}
