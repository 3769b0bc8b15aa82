import type { RollbackTargetConfig } from '../config-schema';
import type { Deployer } from '../deployer';
import { createArgoCdDeployer } from './argocd';
import { createGithubActionsDeployer } from './github-actions';
import { createKubernetesDeployer } from './kubernetes';
import { createRuntime, type DeployerDeps } from './runtime';
import { createWebhookDeployer } from './webhook';

export type { DeployerDeps } from './runtime';

/**
 * The Deployer for one rollback target. Creating it is cheap and never calls out or reads secrets: those
 * are looked up on each plan/rollback, so a missing variable is reported (ROLLBACK_CONFIG) where a person
 * sees it, in the confirm dialog, and a rotated service-account token is picked up. Each deployer keeps
 * one axios instance; keep the deployer for as long as the target's config stays the same.
 */
export function createDeployer(target: RollbackTargetConfig, deps: DeployerDeps): Deployer {
  const rt = createRuntime(target.name, deps, target.backend);
  switch (target.backend) {
    case 'github-actions':
      return createGithubActionsDeployer(target, rt);
    case 'argocd':
      return createArgoCdDeployer(target, rt);
    case 'kubernetes':
      return createKubernetesDeployer(target, rt);
    case 'webhook':
      return createWebhookDeployer(target, rt);
  }
}

/**
 * The environment variables a target needs, for a start-up warning. In-cluster Kubernetes needs none of its
 * own (KUBERNETES_SERVICE_HOST/PORT are set by the kubelet) and reads its token from a file.
 */
export function requiredSecrets(target: RollbackTargetConfig): string[] {
  switch (target.backend) {
    case 'github-actions':
    case 'argocd':
      return [target.settings.token_env];
    case 'kubernetes':
      return target.settings.token_env === undefined ? [] : [target.settings.token_env];
    case 'webhook':
      return [target.settings.secret_env];
  }
}
