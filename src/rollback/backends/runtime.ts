import { AppError } from '../../errors';
import type { Logger } from '../../logger';
import type { SecretLookup } from '../deployer';

/** What every backend module needs besides its settings: secrets, a clock, a logger and the time limits. */
export interface DeployerDeps {
  secrets: SecretLookup;
  logger?: Logger;
  /** Between two looks at a running operation. Default 2000. */
  pollIntervalMs?: number;
  /** How long a rollback is followed before ROLLBACK_TIMEOUT. Default 600000 (10 minutes). */
  timeoutMs?: number;
  /** Per HTTP request (the webhook backend uses its own `timeout_seconds`). Default 15000. */
  requestTimeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  kubernetes?: {
    /** Where the service-account token, ca.crt and namespace live. Default the in-cluster path. */
    inClusterDir?: string;
  };
}

/** DeployerDeps with defaults filled in, plus the target's name and a secret registry for scrubbing. */
export interface Runtime {
  readonly target: string;
  readonly log: Logger | undefined;
  readonly pollIntervalMs: number;
  readonly timeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
  readonly inClusterDir: string;
  /** The value of a required environment variable; ROLLBACK_CONFIG naming it when unset. */
  secret(envVar: string): string;
  /** An optional environment variable (not a secret: never registered for scrubbing). */
  env(envVar: string): string | undefined;
  /** Remembers a secret read some other way (a token file) so `scrub` hides it. */
  remember(secret: string): void;
  /** `text` with every secret seen so far replaced by "[redacted]". */
  scrub(text: string): string;
}

export const IN_CLUSTER_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export function createRuntime(target: string, deps: DeployerDeps, backend: string): Runtime {
  const seen = new Set<string>();
  const remember = (s: string): void => {
    // very short values would blank out ordinary words; real tokens are long
    if (s.length >= 6) seen.add(s);
  };
  return {
    target,
    log: deps.logger?.child({ module: 'rollback', backend, target }),
    pollIntervalMs: deps.pollIntervalMs ?? 2000,
    timeoutMs: deps.timeoutMs ?? 600_000,
    requestTimeoutMs: deps.requestTimeoutMs ?? 15_000,
    sleep: deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    now: deps.now ?? Date.now,
    inClusterDir: deps.kubernetes?.inClusterDir ?? IN_CLUSTER_DIR,
    secret(envVar) {
      const value = deps.secrets(envVar);
      if (value === undefined || value === '') {
        throw new AppError(
          'ROLLBACK_CONFIG',
          `target "${target}": environment variable ${envVar} is not set`,
          {
            details: { target, envVar },
          },
        );
      }
      remember(value);
      return value;
    },
    env: (envVar) => deps.secrets(envVar) || undefined,
    remember,
    scrub(text) {
      let out = text;
      for (const s of seen) out = out.split(s).join('[redacted]');
      return out;
    },
  };
}

/** At most `max` characters, with an ellipsis when cut. */
export function truncate(text: string, max = 300): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
