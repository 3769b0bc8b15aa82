import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { join } from 'node:path';
import { AppError } from '../../errors';
import type { RollbackContext } from '../deployer';
import { createHttp, type HttpClient } from './http';
import type { Runtime } from './runtime';

type KubeTarget = Extract<RollbackContext['target'], { backend: 'kubernetes' }>;
export type KubeSettings = KubeTarget['settings'];

/** get / list / patch on the API server, with the token added and conflicts told apart from refusals. */
export interface KubeApi {
  get<T>(path: string, what: string): Promise<T>;
  list<T>(path: string, labelSelector: string, what: string): Promise<T[]>;
  /** 409, and 422 from a failed `test` op, become ROLLBACK_CONFLICT naming `kindName`. */
  patch<T>(path: string, contentType: string, body: unknown, what: string, kindName: string): Promise<T>;
}

/**
 * Credentials as client-go has them: an explicit `api_url` (token from `token_env`, none for a local
 * `kubectl proxy`), or in-cluster: https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT with the
 * service account's ca.crt, and its token re-read on every operation because the kubelet rotates it.
 * The connection is built on first use and kept, so a missing variable is reported at plan time.
 */
export function createKubeApi(settings: KubeSettings, rt: Runtime): KubeApi {
  let http: HttpClient | undefined;
  let tokenOf: (() => string | undefined) | undefined;

  function connect(): { http: HttpClient; token: () => string | undefined } {
    if (http === undefined || tokenOf === undefined) {
      const c = settings.api_url === undefined ? inCluster(settings, rt) : explicit(settings, rt);
      http = createHttp({
        rt,
        label: 'the Kubernetes API',
        baseURL: c.baseURL,
        timeoutMs: rt.requestTimeoutMs,
        ...(c.agent ? { httpsAgent: c.agent } : {}),
        headers: { Accept: 'application/json' },
      });
      tokenOf = c.token;
    }
    return { http, token: tokenOf };
  }

  const auth = (token: () => string | undefined): Record<string, string> => {
    const t = token();
    return t === undefined ? {} : { Authorization: `Bearer ${t}` };
  };

  return {
    async get<T>(path: string, what: string): Promise<T> {
      const c = connect();
      const res = await c.http.call({ method: 'GET', url: path, headers: auth(c.token), what });
      return res.data as T;
    },
    async list<T>(path: string, labelSelector: string, what: string): Promise<T[]> {
      const c = connect();
      const params = labelSelector ? { labelSelector } : undefined;
      const res = await c.http.call({
        method: 'GET',
        url: path,
        headers: auth(c.token),
        what,
        ...(params ? { params } : {}),
      });
      return ((res.data as { items?: T[] } | undefined)?.items ?? []) as T[];
    },
    async patch<T>(
      path: string,
      contentType: string,
      body: unknown,
      what: string,
      kindName: string,
    ): Promise<T> {
      const c = connect();
      const headers = { ...auth(c.token), 'Content-Type': contentType };
      const res = await c.http.call(
        { method: 'PATCH', url: path, headers, data: body, what },
        (r, message) => {
          // a failed JSON-patch `test` is answered 422 by the API server; a validation failure says "is invalid"
          const conflict = r.status === 409 || (r.status === 422 && !/ is invalid/.test(message));
          if (!conflict) return undefined;
          return new AppError(
            'ROLLBACK_CONFLICT',
            `target "${rt.target}": the ${kindName} changed meanwhile; try again`,
            {
              details: { status: r.status, message },
            },
          );
        },
      );
      return res.data as T;
    },
  };
}

interface Connection {
  baseURL: string;
  agent?: Agent;
  token: () => string | undefined;
}

function explicit(s: KubeSettings, rt: Runtime): Connection {
  const token = s.token_env === undefined ? undefined : rt.secret(s.token_env);
  const ca = s.ca_file === undefined ? undefined : readFile(rt, s.ca_file, 'the CA file (ca_file)');
  const agent =
    ca || s.insecure ? new Agent({ ...(ca ? { ca } : {}), rejectUnauthorized: !s.insecure }) : undefined;
  return { baseURL: s.api_url!, ...(agent ? { agent } : {}), token: () => token };
}

function inCluster(s: KubeSettings, rt: Runtime): Connection {
  const host = rt.env('KUBERNETES_SERVICE_HOST');
  const port = rt.env('KUBERNETES_SERVICE_PORT');
  if (host === undefined || port === undefined) {
    const missing = host === undefined ? 'KUBERNETES_SERVICE_HOST' : 'KUBERNETES_SERVICE_PORT';
    throw new AppError(
      'ROLLBACK_CONFIG',
      `target "${rt.target}": no api_url is set and mogo is not running in a cluster (environment variable ${missing} is not set)`,
      { details: { target: rt.target, envVar: missing } },
    );
  }
  const ca = readFile(rt, s.ca_file ?? join(rt.inClusterDir, 'ca.crt'), 'the service-account CA');
  const agent = new Agent({ ca, rejectUnauthorized: !s.insecure });
  const fixed = s.token_env === undefined ? undefined : rt.secret(s.token_env);
  const token = (): string => {
    if (fixed !== undefined) return fixed;
    const t = readFile(rt, join(rt.inClusterDir, 'token'), 'the service-account token').trim();
    rt.remember(t);
    return t;
  };
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return { baseURL: `https://${hostPart}:${port}`, agent, token };
}

function readFile(rt: Runtime, path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new AppError('ROLLBACK_CONFIG', `target "${rt.target}": cannot read ${what} at ${path} (${code})`, {
      details: { target: rt.target, path },
    });
  }
}
