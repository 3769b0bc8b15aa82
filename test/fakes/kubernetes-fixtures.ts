import { createHash } from 'node:crypto';
import type { FakeKubernetes } from './kubernetes-server';
import type { KObject } from './kubernetes-state';

/**
 * Seeds the fake API with a workload that went through one revision per image, as the real controllers
 * leave it: one owned ReplicaSet per revision (hash label, revision annotation, change-cause), the
 * workload at the last revision, settled. A ReplicaSet with matching labels but another owner and a higher
 * revision is added too: ranking must only look at owned ReplicaSets.
 */

export interface SeedOptions {
  namespace?: string;
  name?: string;
  /** One revision per image, oldest first. */
  images: string[];
  replicas?: number;
  paused?: boolean;
  /** Rollout only: the last revision is still being rolled out (canary paused), the one before is stable. */
  updating?: boolean;
}

export function seedDeployment(k: FakeKubernetes, opts: SeedOptions): KObject {
  return seed(k, 'Deployment', opts);
}

export function seedRollout(k: FakeKubernetes, opts: SeedOptions): KObject {
  return seed(k, 'Rollout', opts);
}

function seed(k: FakeKubernetes, kind: 'Deployment' | 'Rollout', opts: SeedOptions): KObject {
  const ns = opts.namespace ?? 'shop';
  const name = opts.name ?? 'api';
  const replicas = opts.replicas ?? 3;
  const hashLabel = kind === 'Deployment' ? 'pod-template-hash' : 'rollouts-pod-template-hash';
  const revKey = kind === 'Deployment' ? 'deployment.kubernetes.io/revision' : 'rollout.argoproj.io/revision';
  const template = (image: string): KObject => ({
    metadata: { labels: { app: name }, annotations: { 'prometheus.io/scrape': 'true' } },
    spec: {
      containers: [{ name: 'api', image, ports: [{ containerPort: 8080 }] }],
      terminationGracePeriodSeconds: 30,
    },
  });
  const last = opts.images.at(-1)!;
  const workload = k.put(kind === 'Deployment' ? 'deployments' : 'rollouts', {
    apiVersion: kind === 'Deployment' ? 'apps/v1' : 'argoproj.io/v1alpha1',
    kind,
    metadata: {
      name,
      namespace: ns,
      labels: { app: name },
      annotations: {
        [revKey]: String(opts.images.length),
        'kubernetes.io/change-cause': `deploy ${last}`,
        'kubectl.kubernetes.io/last-applied-configuration': `{"kind":"${kind}"}`,
      },
    },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: template(last),
      ...(opts.paused ? { paused: true } : {}),
      ...(kind === 'Rollout' ? { strategy: { canary: { steps: [{ setWeight: 20 }, { pause: {} }] } } } : {}),
    },
  });
  opts.images.forEach((image, i) => {
    const t = template(image);
    t.metadata.labels[hashLabel] = hashOfImage(image);
    k.put('replicasets', {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${name}-${hashOfImage(image)}`,
        namespace: ns,
        labels: t.metadata.labels,
        annotations: { [revKey]: String(i + 1), 'kubernetes.io/change-cause': `deploy ${image}` },
        ownerReferences: [
          { apiVersion: workload.apiVersion, kind, name, uid: workload.metadata.uid, controller: true },
        ],
      },
      spec: { replicas: image === last ? replicas : 0, template: t },
    });
  });
  k.put('replicasets', {
    metadata: {
      name: `${name}-stranger`,
      namespace: ns,
      labels: { app: name, [hashLabel]: 'stranger' },
      // just below the current revision: it would be the target if ownership were not checked
      annotations: { [revKey]: String(opts.images.length - 1) },
      ownerReferences: [{ kind, name: 'other', uid: 'someone-else', controller: true }],
    },
    spec: { template: template('stranger:1') },
  });
  const status: KObject =
    kind === 'Deployment'
      ? {
          observedGeneration: 1,
          replicas,
          updatedReplicas: replicas,
          readyReplicas: replicas,
          availableReplicas: replicas,
        }
      : {
          observedGeneration: '1',
          phase: opts.updating ? 'Paused' : 'Healthy',
          message: opts.updating ? 'CanaryPauseStep' : '',
          currentPodHash: hashOfImage(last),
          stableRS: hashOfImage(opts.updating ? opts.images.at(-2)! : last),
          availableReplicas: replicas,
        };
  const stored = k.get(kind === 'Deployment' ? 'deployments' : 'rollouts', ns, name)!;
  stored.status = status;
  return stored;
}

export function hashOfImage(image: string): string {
  return createHash('sha256').update(image).digest('hex').slice(0, 10);
}
