import type { Deployer, RollbackContext } from '../deployer';
import { createKubeApi } from './kubernetes-client';
import { deploymentOperations } from './kubernetes-deployment';
import { rolloutOperations } from './kubernetes-rollout';
import type { Runtime } from './runtime';

type KubeTarget = Extract<RollbackContext['target'], { backend: 'kubernetes' }>;

/** A Deployment (`kubectl rollout undo`) or an Argo Rollout (abort / undo), on one API connection. */
export function createKubernetesDeployer(target: KubeTarget, rt: Runtime): Deployer {
  const api = createKubeApi(target.settings, rt);
  const ops =
    target.settings.kind === 'Rollout'
      ? rolloutOperations(target.settings, api, rt)
      : deploymentOperations(target.settings, api, rt);
  return { backend: 'kubernetes', plan: ops.plan, rollback: ops.rollback };
}
