import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { applyJsonPatch, applyMergePatch, PatchError } from './kubernetes-patch';
import { type KObject, KubeState, type ProgressMode, type Resource } from './kubernetes-state';

/**
 * A Kubernetes API server stand-in on 127.0.0.1 (plain HTTP, or HTTPS with `tls`) for Deployments,
 * ReplicaSets and Argo Rollouts: bearer-token auth, optional RBAC, label-selector lists, JSON patch applied
 * for real (a failed `test` answers 422 as the API server does), merge patch on rollouts/status, a stale
 * resourceVersion in a patch body answers 409, and a controller that rolls out over the next GETs.
 */

export interface KubeCall {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | undefined>;
  body: unknown;
  status: number;
}

export interface FakeKubernetesOptions {
  /** Accepted bearer token; undefined accepts anonymous requests (as behind `kubectl proxy`). */
  token?: string;
  /** "verb resource" pairs allowed, e.g. "patch rollouts/status"; undefined allows everything. */
  allow?: string[];
  tls?: { key: string; cert: string };
}

export interface FakeKubernetes {
  readonly url: string;
  readonly calls: readonly KubeCall[];
  readonly state: KubeState;
  /** Stores an object (uid, resourceVersion and generation filled in). */
  put(resource: Resource, obj: KObject): KObject;
  get(resource: Resource, ns: string, name: string): KObject | undefined;
  /** How the next rollout of this workload goes. */
  setProgress(resource: Resource, ns: string, name: string, mode: ProgressMode): void;
  /** Runs `fn` just before the next request with this method is handled. */
  beforeNext(method: 'GET' | 'PATCH', fn: () => void): void;
  failNext(status: number, message: string): void;
  close(): Promise<void>;
}

const GROUPS: Record<string, { prefix: string; resources: Resource[] }> = {
  apps: { prefix: '/apis/apps/v1', resources: ['deployments', 'replicasets'] },
  'argoproj.io': { prefix: '/apis/argoproj.io/v1alpha1', resources: ['rollouts'] },
};
const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
];
const SA = 'system:serviceaccount:mogo:mogo';

export async function startFakeKubernetes(opts: FakeKubernetesOptions = {}): Promise<FakeKubernetes> {
  const state = new KubeState();
  const calls: KubeCall[] = [];
  const hooks: Array<{ method: string; fn: () => void }> = [];
  const failures: Array<{ status: number; message: string }> = [];
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    void handle(req, res).catch((e: unknown) => send(res, 500, status(500, 'InternalError', String(e))));
  };
  const server: Server = opts.tls ? createHttpsServer(opts.tls, handler) : createHttpServer(handler);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://x');
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = raw;
    }
    const hook = hooks.findIndex((h) => h.method === req.method);
    if (hook >= 0) hooks.splice(hook, 1)[0]!.fn();
    const answer = (code: number, data: unknown): void => {
      calls.push({
        method: req.method ?? '',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: { ...req.headers } as KubeCall['headers'],
        body,
        status: code,
      });
      send(res, code, data);
    };
    const fail = (code: number, reason: string, message: string): void =>
      answer(code, status(code, reason, message));

    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (opts.token !== undefined && token !== opts.token) return fail(401, 'Unauthorized', 'Unauthorized');
    const injected = failures.shift();
    if (injected)
      return fail(injected.status, injected.status === 409 ? 'Conflict' : 'InternalError', injected.message);

    const m = /^(\/apis\/[^/]+\/[^/]+)\/namespaces\/([^/]+)\/([^/]+)(?:\/([^/]+))?(?:\/(status))?$/.exec(
      url.pathname,
    );
    const group = Object.entries(GROUPS).find(([, g]) => g.prefix === m?.[1]);
    const resource = m?.[3] as Resource | undefined;
    if (!m || !group || !resource || !group[1].resources.includes(resource)) {
      return fail(404, 'NotFound', 'the server could not find the requested resource');
    }
    const [, , ns, , name, sub] = m as unknown as [string, string, string, string, string?, string?];
    const gr = `${resource}.${group[0]}`;
    const verb =
      req.method === 'GET'
        ? name
          ? 'get'
          : 'list'
        : req.method === 'PATCH'
          ? 'patch'
          : (req.method ?? '').toLowerCase();
    const rbacResource = sub ? `${resource}/${sub}` : resource;
    if (opts.allow && !opts.allow.includes(`${verb} ${rbacResource}`)) {
      const subject = name ? `${gr} "${name}"` : gr;
      return fail(
        403,
        'Forbidden',
        `${subject} is forbidden: User "${SA}" cannot ${verb} resource "${rbacResource}" in API group "${group[0]}" in the namespace "${ns}"`,
      );
    }
    if (!name) {
      if (verb !== 'list')
        return fail(
          405,
          'MethodNotAllowed',
          `the server does not allow this method on the requested resource`,
        );
      const selector = Object.fromEntries(
        (url.searchParams.get('labelSelector') ?? '')
          .split(',')
          .filter(Boolean)
          .map((kv) => kv.split('=') as [string, string]),
      );
      return answer(200, {
        kind: 'List',
        apiVersion: 'v1',
        metadata: { resourceVersion: '1' },
        items: state.list(resource, ns, selector),
      });
    }
    const current = state.get(resource, ns, name);
    if (!current) return fail(404, 'NotFound', `${gr} "${name}" not found`);
    if (verb === 'get') {
      state.tick(resource, ns, name);
      return answer(200, state.get(resource, ns, name));
    }
    if (verb !== 'patch')
      return fail(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
    if (!PATCH_TYPES.includes(type) || (resource === 'rollouts' && type.includes('strategic'))) {
      return fail(
        415,
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: ${PATCH_TYPES.join(', ')}`,
      );
    }
    let patched: KObject;
    try {
      patched = (
        type === 'application/json-patch+json'
          ? applyJsonPatch(current, body)
          : applyMergePatch(current, body)
      ) as KObject;
    } catch (e) {
      if (!(e instanceof PatchError)) throw e;
      return answer(422, {
        ...status(422, 'Invalid', 'the server rejected our request due to an error in our request'),
        details: { causes: [{ type: 'UnexpectedServerResponse', message: e.message }] },
      });
    }
    if (patched.metadata?.resourceVersion !== current.metadata.resourceVersion) {
      return fail(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${gr} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
      );
    }
    if (sub === 'status') return answer(200, state.writeStatus(resource, current, patched.status ?? {}));
    if (
      !Array.isArray(patched.spec?.template?.spec?.containers) ||
      patched.spec.template.spec.containers.length === 0
    ) {
      return fail(
        422,
        'Invalid',
        `${resource === 'rollouts' ? 'Rollout.argoproj.io' : 'Deployment.apps'} "${name}" is invalid: spec.template.spec.containers: Required value`,
      );
    }
    return answer(200, state.writeSpec(resource, current, patched));
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const scheme = opts.tls ? 'https' : 'http';
  return {
    url: `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    state,
    put: (resource, obj) => state.put(resource, obj),
    get: (resource, ns, name) => state.get(resource, ns, name),
    setProgress(resource, ns, name, mode) {
      state.modes.set(KubeState.key(resource, ns, name), mode);
    },
    beforeNext(method, fn) {
      hooks.push({ method, fn });
    },
    failNext(code, message) {
      failures.push({ status: code, message });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function status(code: number, reason: string, message: string): KObject {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

function send(res: ServerResponse, code: number, data: unknown): void {
  res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(data));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
