import type { Agent } from 'node:https';
import { AppError } from '../../errors';
import { createHttp, type HttpClient, type HttpRequest, type HttpResponse } from './http';
import { type KubeConnection, type KubeSettings, openKubeConfig, requestOptions } from './kubernetes-config';
import type { Runtime } from './runtime';

export type { KubeSettings } from './kubernetes-config';

/** get / list / patch on the API server, with the token added and conflicts told apart from refusals. */
export interface KubeApi {
  get<T>(path: string, what: string): Promise<T>;
  list<T>(path: string, labelSelector: string, what: string): Promise<T[]>;
  /** 409, and 422 from a failed `test` op, become ROLLBACK_CONFLICT naming `kindName`. */
  patch<T>(path: string, contentType: string, body: unknown, what: string, kindName: string): Promise<T>;
}

/**
 * The three requests the rollback makes, on the connection KubeConfig describes (kubernetes-config.ts: a
 * kubeconfig and context, in-cluster, or an explicit api_url), with KubeConfig's credentials on every request.
 *
 * Why not @kubernetes/client-node's generated AppsV1Api / CustomObjectsApi: they deserialise objects into the
 * client's model classes and serialise them back, and a pod template restored that way loses every field the
 * client's models do not know (a newer cluster's pod-spec fields) — the rollback must patch back exactly the
 * JSON the ReplicaSet holds. Argo Rollouts are custom objects, raw JSON anyway. And going through http.ts
 * keeps one error policy for every backend: failures mapped by meaning (docs/rollback-backends.md), reads
 * retried, per-request timeouts, secrets scrubbed from messages.
 *
 * The connection is made on first use and kept; a failure to make it (a missing variable or file, an unknown
 * context) is reported at plan time and tried again next time.
 */
export function createKubeApi(settings: KubeSettings, rt: Runtime): KubeApi {
  let connecting: Promise<{ c: KubeConnection; http: HttpClient }> | undefined;

  async function open(): Promise<{ c: KubeConnection; http: HttpClient }> {
    const c = await openKubeConfig(settings, rt);
    const { agent } = await requestOptions(c, rt);
    const http = createHttp({
      rt,
      label: 'the Kubernetes API',
      baseURL: c.server,
      timeoutMs: rt.requestTimeoutMs,
      ...(c.server.startsWith('https:') && agent ? { httpsAgent: agent as Agent } : {}),
      headers: { Accept: 'application/json' },
      ...(c.source.startsWith('context') ? { credential: `the user of ${c.source}` } : {}),
    });
    return { c, http };
  }

  /** Sends one request with fresh credentials (an expired exec or OIDC token is renewed first). */
  async function send(
    req: HttpRequest,
    refine?: (res: HttpResponse, message: string) => AppError | undefined,
  ): Promise<HttpResponse> {
    connecting ??= open().catch((e: unknown) => {
      connecting = undefined;
      throw e;
    });
    const { c, http } = await connecting;
    const { headers } = await requestOptions(c, rt);
    return http.call({ ...req, headers: { ...headers, ...req.headers } }, refine);
  }

  return {
    async get<T>(path: string, what: string): Promise<T> {
      const res = await send({ method: 'GET', url: path, what });
      return res.data as T;
    },
    async list<T>(path: string, labelSelector: string, what: string): Promise<T[]> {
      const params = labelSelector ? { labelSelector } : undefined;
      const res = await send({ method: 'GET', url: path, what, ...(params ? { params } : {}) });
      return ((res.data as { items?: T[] } | undefined)?.items ?? []) as T[];
    },
    async patch<T>(
      path: string,
      contentType: string,
      body: unknown,
      what: string,
      kindName: string,
    ): Promise<T> {
      const res = await send(
        { method: 'PATCH', url: path, headers: { 'Content-Type': contentType }, data: body, what },
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
