import type { RequestOptions } from 'node:https';
import { delimiter, join } from 'node:path';
import type { Cluster, KubeConfig, User } from '@kubernetes/client-node';
import { AppError } from '../../errors';
import type { RollbackContext } from '../deployer';
import type { Runtime } from './runtime';

type KubeTarget = Extract<RollbackContext['target'], { backend: 'kubernetes' }>;
export type KubeSettings = KubeTarget['settings'];
type ClientNode = typeof import('@kubernetes/client-node');

let loading: Promise<ClientNode> | undefined;

/**
 * @kubernetes/client-node, imported on first use. It costs about 85 MB of RSS and a second of start-up on
 * this machine (bench/RESULTS.md), so only a process that actually plans or runs a Kubernetes rollback pays.
 */
export function loadKubernetesClient(): Promise<ClientNode> {
  loading ??= import('@kubernetes/client-node').catch((e: unknown) => {
    loading = undefined;
    throw e;
  });
  return loading;
}

/** Where the cluster is and how to authenticate, as KubeConfig has them, plus names for the files it reads. */
export interface KubeConnection {
  kc: KubeConfig;
  server: string;
  /** "context prod in /etc/mogo/kubeconfig", "in-cluster", "api_url": for messages. */
  source: string;
  /** File path -> what it is, for "cannot read the service-account token at …". */
  files: Map<string, string>;
}

/**
 * Reaches a cluster the way kubectl does, all through KubeConfig: a kubeconfig file and context (client
 * certificates, tokens, exec credential plugins as EKS and GKE use, OIDC, proxy-url, tls-server-name), the
 * in-cluster service account, or an explicit `api_url` with an optional token and CA.
 */
export async function openKubeConfig(s: KubeSettings, rt: Runtime): Promise<KubeConnection> {
  const { KubeConfig } = await loadKubernetesClient();
  const kc = new KubeConfig();
  const files = new Map<string, string>();
  let source: string;
  if (s.kubeconfig !== undefined || s.context !== undefined) {
    source = fromKubeconfig(kc, () => new KubeConfig(), s, rt);
  } else if (s.api_url !== undefined) {
    const token = s.token_env === undefined ? undefined : rt.secret(s.token_env);
    if (s.ca_file !== undefined) files.set(s.ca_file, 'the CA file (ca_file)');
    kc.loadFromClusterAndUser(
      { name: 'api_url', server: s.api_url, skipTLSVerify: s.insecure, caFile: s.ca_file },
      token === undefined ? { name: 'anonymous' } : { name: 'token_env', token },
    );
    source = 'api_url';
  } else {
    inCluster(kc, s, rt, files);
    source = 'in-cluster';
  }
  // kubectl talks plain HTTP to an http:// server (kubectl proxy); client-node refuses one unless TLS
  // verification is off, which means nothing without TLS
  kc.clusters = kc.clusters.map((c) => (c.server.startsWith('http:') ? { ...c, skipTLSVerify: true } : c));
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw config(rt, `${source} names no cluster for context "${kc.getCurrentContext()}"`);
  return { kc, server: cluster.server, source, files };
}

/**
 * The request options KubeConfig gives for the next request: headers (Authorization from a token, a token
 * file re-read each minute as client-go does, an exec plugin or OIDC, refreshed when they expire; basic
 * auth) and the https.Agent holding the CA and client certificate. The token is registered for scrubbing.
 */
export async function requestOptions(
  c: KubeConnection,
  rt: Runtime,
): Promise<{ headers: Record<string, string>; agent: RequestOptions['agent'] }> {
  const opts: RequestOptions = {};
  try {
    await c.kc.applyToHTTPSOptions(opts);
  } catch (e) {
    throw credentialFailure(c, rt, e);
  }
  const headers: Record<string, string> = {};
  // a token file written with a trailing newline would otherwise make an invalid header
  for (const [k, v] of Object.entries(opts.headers ?? {})) headers[k] = String(v).trim();
  if (opts.auth) headers.Authorization = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
  const bearer = /^Bearer (.+)$/.exec(headers.Authorization ?? '')?.[1];
  if (bearer !== undefined) rt.remember(bearer);
  return { headers, agent: opts.agent };
}

/** Loads `kubeconfig` (or $KUBECONFIG's files, merged as kubectl merges them) and selects the context. */
function fromKubeconfig(kc: KubeConfig, fresh: () => KubeConfig, s: KubeSettings, rt: Runtime): string {
  const paths = kubeconfigPaths(s, rt);
  for (const [i, path] of paths.entries()) {
    const one = i === 0 ? kc : fresh();
    try {
      one.loadFromFile(path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw config(
        rt,
        code
          ? `cannot read the kubeconfig at ${path} (${code})`
          : `the kubeconfig at ${path} is not valid: ${rt.scrub((e as Error).message)}`,
        { path },
      );
    }
    if (one !== kc) {
      try {
        kc.mergeConfig(one, true);
      } catch (e) {
        throw config(rt, `cannot merge the kubeconfig at ${path}: ${(e as Error).message}`, { path });
      }
    }
  }
  const where = paths.join(delimiter);
  if (s.context !== undefined) {
    if (!kc.getContextObject(s.context)) {
      const known = kc.getContexts().map((c) => c.name);
      throw config(
        rt,
        `the kubeconfig at ${where} has no context "${s.context}" (it has: ${known.join(', ') || 'none'})`,
        { path: where, context: s.context },
      );
    }
    kc.setCurrentContext(s.context);
  } else if (!kc.getCurrentContext()) {
    throw config(rt, `the kubeconfig at ${where} sets no current-context; name one with "context"`, {
      path: where,
    });
  }
  const context = kc.getCurrentContext();
  if (!kc.getCurrentUser()) {
    const user = kc.getContextObject(context)?.user;
    throw config(rt, `context "${context}" in ${where} names user "${user}", which it does not define`, {
      path: where,
      context,
    });
  }
  return `context "${context}" in ${where}`;
}

/** `kubeconfig` (a leading ~/ is the home directory), else $KUBECONFIG's files, else ~/.kube/config. */
function kubeconfigPaths(s: KubeSettings, rt: Runtime): string[] {
  const home = (p: string): string => {
    if (!p.startsWith('~/')) return p;
    const dir = rt.env('HOME');
    if (dir === undefined) throw config(rt, `cannot expand ${p}: HOME is not set`, { path: p });
    return join(dir, p.slice(2));
  };
  if (s.kubeconfig !== undefined) return [home(s.kubeconfig)];
  const fromEnv = (rt.env('KUBECONFIG') ?? '').split(delimiter).filter(Boolean);
  return fromEnv.length > 0 ? fromEnv.map(home) : [home('~/.kube/config')];
}

/**
 * As KubeConfig.loadFromCluster, but from the runtime's environment and service-account directory (so tests
 * and a non-default mount work), with a `token_env` override and `ca_file`/`insecure` honoured.
 */
function inCluster(kc: KubeConfig, s: KubeSettings, rt: Runtime, files: Map<string, string>): void {
  const host = rt.env('KUBERNETES_SERVICE_HOST');
  const port = rt.env('KUBERNETES_SERVICE_PORT');
  if (host === undefined || port === undefined) {
    const missing = host === undefined ? 'KUBERNETES_SERVICE_HOST' : 'KUBERNETES_SERVICE_PORT';
    throw config(
      rt,
      `no api_url or kubeconfig is set and mogo is not running in a cluster (environment variable ${missing} is not set)`,
      { envVar: missing },
    );
  }
  const caFile = s.ca_file ?? join(rt.inClusterDir, 'ca.crt');
  const tokenFile = join(rt.inClusterDir, 'token');
  files.set(caFile, s.ca_file === undefined ? 'the service-account CA' : 'the CA file (ca_file)');
  files.set(tokenFile, 'the service-account token');
  const cluster: Cluster = {
    name: 'in-cluster',
    server: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    caFile,
    skipTLSVerify: s.insecure,
  };
  const user: User =
    s.token_env === undefined
      ? { name: 'service-account', authProvider: { name: 'tokenFile', config: { tokenFile } } }
      : { name: 'token_env', token: rt.secret(s.token_env) };
  kc.loadFromClusterAndUser(cluster, user);
}

function credentialFailure(c: KubeConnection, rt: Runtime, e: unknown): AppError {
  const err = e as NodeJS.ErrnoException;
  const user = c.kc.getCurrentUser();
  const command = user?.exec?.command as string | undefined;
  if (err.code && err.path && !(command && err.syscall?.startsWith('spawn'))) {
    const what = c.files.get(err.path) ?? `a file named by ${c.source}`;
    return config(rt, `cannot read ${what} at ${err.path} (${err.code})`, { path: err.path });
  }
  const why = rt.scrub(String(err.message ?? e).trim()) || `exit status ${String(err.code ?? '?')}`;
  if (command !== undefined) {
    return config(rt, `the credential plugin "${command}" of ${c.source} failed: ${why}`, { command });
  }
  if (user?.authProvider?.name === 'oidc') {
    return config(rt, `the OIDC token of ${c.source} could not be refreshed: ${why}`);
  }
  return config(rt, `cannot get credentials from ${c.source}: ${why}`);
}

function config(rt: Runtime, text: string, details: Record<string, unknown> = {}): AppError {
  return new AppError('ROLLBACK_CONFIG', `target "${rt.target}": ${text}`, {
    details: { target: rt.target, ...details },
  });
}
