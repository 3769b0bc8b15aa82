import { z } from 'zod';
import { matcher } from '../rules/schema-fields';

/**
 * The rollback section of rule files: `targets:` (what can be rolled back, by which backend) and `roles:` (who
 * may do what). Both live in rules/ next to the routing rules and are merged across files like rules (names
 * unique across files). Secrets never appear here: settings name the environment variable that holds them.
 */

const envVarName = z
  .string()
  .regex(/^[A-Z_][A-Z0-9_]*$/, { message: 'must be an environment variable name such as GITHUB_TOKEN' });

const GithubActionsSettings = z.strictObject({
  owner: z.string().min(1),
  repo: z.string().min(1),
  workflow: z.string().min(1),
  ref: z.string().min(1).default('main'),
  /** Base URL of the GitHub API (GitHub Enterprise: https://ghe.example.com/api/v3). */
  api_url: z.url().default('https://api.github.com'),
  token_env: envVarName.default('GITHUB_TOKEN'),
  inputs: z.record(z.string(), z.string()).default({}),
  /** Follow the dispatched run to its conclusion (needs actions:read and a GitHub that names the run). */
  follow_run: z.boolean().default(false),
});

const ArgoCdSettings = z.strictObject({
  server: z.url(),
  application: z.string().min(1),
  app_namespace: z.string().optional(),
  token_env: envVarName.default('ARGOCD_TOKEN'),
  insecure: z.boolean().default(false),
});

const KubernetesSettings = z
  .strictObject({
    kind: z.enum(['Deployment', 'Rollout']).default('Deployment'),
    namespace: z.string().min(1),
    name: z.string().min(1),
    /**
     * A kubeconfig file, as kubectl reads it (exec plugins, OIDC, client certificates); "~/" is the home
     * directory. With only `context` set: $KUBECONFIG, else ~/.kube/config.
     */
    kubeconfig: z.string().min(1).optional(),
    /** A context of that kubeconfig; absent: its current-context. */
    context: z.string().min(1).optional(),
    /** Absent, and no kubeconfig or context: in-cluster service-account credentials. */
    api_url: z.url().optional(),
    token_env: envVarName.optional(),
    /** PEM file of the CA that signed the API server's certificate (in-cluster: the service account's ca.crt). */
    ca_file: z.string().min(1).optional(),
    insecure: z.boolean().default(false),
    /**
     * Rollout only. "abort" stops an update in progress (back to the stable ReplicaSet); "undo" restores the
     * previous revision's template; "auto" aborts while an update is in progress and undoes otherwise.
     */
    rollout_action: z.enum(['auto', 'abort', 'undo']).default('auto'),
  })
  .superRefine((k, ctx) => {
    if (k.kubeconfig === undefined && k.context === undefined) return;
    // a kubeconfig carries its own server, credentials and CA: a second source would be ambiguous
    for (const key of ['api_url', 'token_env', 'ca_file', 'insecure'] as const) {
      if (k[key] === undefined || k[key] === false) continue;
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: `${key} cannot be combined with kubeconfig/context: the kubeconfig says how to reach the cluster (set ${key} there, or drop kubeconfig and context)`,
      });
    }
  });

const WebhookSettings = z.strictObject({
  url: z.url(),
  secret_env: envVarName,
  timeout_seconds: z.number().int().min(1).max(300).default(30),
});

/**
 * Whether an alert may attach this target itself, by its `rollback_target` label or annotation. Anyone who can
 * post to Alertmanager can set a label, so by default only rules attach targets; a target that allows alerts
 * names the matchers such an alert must satisfy (e.g. `service="checkout"`), at least one.
 */
const AttachSettings = z
  .strictObject({
    from_alerts: z.boolean().default(false),
    matchers: z.array(matcher).default([]),
  })
  .superRefine((a, ctx) => {
    if (a.from_alerts && a.matchers.length === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['matchers'],
        message:
          'attach.matchers must list at least one matcher (e.g. service="checkout") when from_alerts is true: otherwise any alert could attach this target',
      });
  })
  .transform((a) => ({ fromAlerts: a.from_alerts, matchers: a.matchers.flat() }));

const common = {
  name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, {
    message: 'must be lowercase letters, digits, ".", "_" or "-"',
  }),
  description: z.string().optional(),
  environment: z.string().min(1).default('production'),
  /** Two-person rule: a different user holding the approve permission must approve. */
  approval: z.boolean().default(false),
  attach: AttachSettings.default({ fromAlerts: false, matchers: [] }),
};

export const TargetSchema = z.discriminatedUnion('backend', [
  z.strictObject({ ...common, backend: z.literal('github-actions'), settings: GithubActionsSettings }),
  z.strictObject({ ...common, backend: z.literal('argocd'), settings: ArgoCdSettings }),
  z.strictObject({ ...common, backend: z.literal('kubernetes'), settings: KubernetesSettings }),
  z.strictObject({ ...common, backend: z.literal('webhook'), settings: WebhookSettings }),
]);

export const PermissionSchema = z.strictObject({
  /**
   * `ack` / `silence` (the incident console) ignore targets and environments: they cover every alert. So do
   * `declare` (declare incidents) and `incident_admin` (steer any incident beside its lead and roles).
   */
  action: z.enum(['rollback', 'approve', 'ack', 'silence', 'declare', 'incident_admin']),
  /** Target names; "*" or a trailing "*" is a prefix wildcard. */
  targets: z.array(z.string().min(1)).min(1).default(['*']),
  /** Environments the permission covers; absent: every environment. */
  environments: z.array(z.string().min(1)).optional(),
});

export const RoleSchema = z.strictObject({
  name: z.string().min(1),
  /** Slack user ids (U… / W…). */
  users: z
    .array(z.string().regex(/^[UW][A-Z0-9]+$/, { message: 'must be a Slack user id like U0123ABCD' }))
    .default([]),
  /** Slack user group ids (S…), resolved with usergroups.users.list. */
  usergroups: z
    .array(z.string().regex(/^S[A-Z0-9]+$/, { message: 'must be a Slack user group id like S0123ABCD' }))
    .default([]),
  permissions: z.array(PermissionSchema).min(1),
});

export type RollbackTargetConfig = z.infer<typeof TargetSchema>;
export type RoleConfig = z.infer<typeof RoleSchema>;
export type PermissionConfig = z.infer<typeof PermissionSchema>;
export type BackendName = RollbackTargetConfig['backend'];
