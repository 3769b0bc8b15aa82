import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The Argo CD API server's application get and rollback, on 127.0.0.1, with its refusals as its code has
 * them (gRPC status -> HTTP via grpc-gateway: FailedPrecondition and InvalidArgument answer 400 with
 * `{error, code, message}`): auto-sync enabled, unknown history id, another operation in progress. A
 * rollback becomes an operation that moves one step per GET along `script`, then appends to history.
 */

export type ScriptStep = 'pending' | { phase: 'Running' | 'Succeeded' | 'Failed' | 'Error'; message: string };

export interface FakeArgoApp {
  name: string;
  /** The app's namespace; a GET naming another appNamespace is refused. Default "argocd". */
  namespace?: string;
  automated?: boolean;
  history: Array<{ id: number; revision: string; deployedAt?: string }>;
  operation?: unknown;
  operationState?: { phase: string; message?: string; startedAt?: string; finishedAt?: string };
  health?: string;
  /** Steps of the next operation, one per GET. Default: pending, Running, Running, Succeeded. */
  script?: ScriptStep[];
}

export interface ArgoCall {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | undefined>;
  body: unknown;
  status: number;
}

export interface FakeArgoCd {
  readonly url: string;
  readonly calls: readonly ArgoCall[];
  /** The live state of an app (mutable: tests change it to simulate other actors). */
  app(name: string): FakeArgoApp;
  /** Runs `fn` just before the next request with this method is handled. */
  beforeNext(method: 'GET' | 'POST', fn: () => void): void;
  /** The next request (with `method`, when given) is answered with this instead. */
  failNext(status: number, body?: unknown, method?: 'GET' | 'POST'): void;
  close(): Promise<void>;
}

const DEFAULT_SCRIPT: ScriptStep[] = [
  'pending',
  { phase: 'Running', message: 'one or more tasks are running' },
  { phase: 'Running', message: 'waiting for healthy state of apps/Deployment/shop-api' },
  { phase: 'Succeeded', message: 'successfully synced (all tasks run)' },
];

export async function startFakeArgoCd(opts: { token: string; apps: FakeArgoApp[] }): Promise<FakeArgoCd> {
  const apps = new Map(opts.apps.map((a) => [a.name, a]));
  const calls: ArgoCall[] = [];
  const hooks: Array<{ method: string; fn: () => void }> = [];
  const failures: Array<{ status: number; body?: unknown; method?: string }> = [];
  const running = new Map<string, ScriptStep[]>();
  let clock = Date.parse('2026-05-01T10:00:00Z');
  const stamp = (): string => {
    clock += 1000;
    return new Date(clock).toISOString();
  };

  const server = createServer((req, res) => {
    void handle(req, res).catch((e: unknown) =>
      send(res, 500, { error: String(e), code: 13, message: String(e) }),
    );
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://x');
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : undefined;
    const hook = hooks.findIndex((h) => h.method === req.method);
    if (hook >= 0) hooks.splice(hook, 1)[0]!.fn();
    const answer = (status: number, data: unknown): void => {
      calls.push({
        method: req.method ?? '',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: { ...req.headers } as ArgoCall['headers'],
        body,
        status,
      });
      send(res, status, data);
    };
    const grpc = (status: number, code: number, message: string): void =>
      answer(status, { error: message, code, message });
    const f = failures.findIndex((x) => x.method === undefined || x.method === req.method);
    const failure = f >= 0 ? failures.splice(f, 1)[0] : undefined;
    if (failure) return answer(failure.status, failure.body ?? {});
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (token === undefined) return grpc(401, 16, 'no session information');
    if (token !== opts.token) return grpc(401, 16, 'invalid session: token signature is invalid');
    const m = /^\/api\/v1\/applications\/([^/]+)(\/rollback)?$/.exec(url.pathname);
    const app = m ? apps.get(decodeURIComponent(m[1]!)) : undefined;
    const ns = url.searchParams.get('appNamespace') ?? (body?.appNamespace as string | undefined);
    if (!m || !app || (ns !== undefined && ns !== (app.namespace ?? 'argocd'))) {
      return grpc(404, 5, `applications.argoproj.io "${m?.[1] ?? '?'}" not found`);
    }
    if (req.method === 'GET' && !m[2]) {
      advance(app);
      return answer(200, render(app));
    }
    if (req.method !== 'POST' || !m[2]) return grpc(404, 5, 'Not Found');
    if (app.automated) return grpc(400, 9, 'rollback cannot be initiated when auto-sync is enabled');
    const entry = app.history.find((h) => String(h.id) === String(body?.id));
    if (!entry)
      return grpc(400, 3, `application ${app.name} does not have deployment with id ${String(body?.id)}`);
    if (app.operation) return grpc(400, 9, 'another operation is already in progress');
    app.operation = {
      sync: { revision: entry.revision, prune: body?.prune, dryRun: body?.dryRun },
      initiatedBy: { username: 'mogo' },
    };
    running.set(app.name, [...(app.script ?? DEFAULT_SCRIPT)]);
    return answer(200, render(app));
  }

  function advance(app: FakeArgoApp): void {
    const steps = running.get(app.name);
    const step = steps?.shift();
    if (step === undefined || step === 'pending') return;
    const op = app.operation as { sync: { revision: string } };
    const startedAt = app.operationState?.phase === 'Running' ? app.operationState.startedAt : stamp();
    app.operationState = { phase: step.phase, message: step.message, ...(startedAt ? { startedAt } : {}) };
    if (step.phase === 'Running') return;
    app.operationState.finishedAt = stamp();
    app.operation = undefined;
    running.delete(app.name);
    if (step.phase === 'Succeeded') {
      const id = Math.max(0, ...app.history.map((h) => h.id)) + 1;
      app.history.push({ id, revision: op.sync.revision, deployedAt: app.operationState.finishedAt });
    }
  }

  function render(app: FakeArgoApp): unknown {
    return {
      metadata: { name: app.name, namespace: app.namespace ?? 'argocd' },
      spec: {
        project: 'default',
        source: { repoURL: 'https://github.com/acme/deploy.git', path: 'shop-api', targetRevision: 'HEAD' },
        syncPolicy: app.automated ? { automated: { prune: true, selfHeal: true } } : {},
      },
      ...(app.operation ? { operation: app.operation } : {}),
      status: {
        history: app.history.map((h) => ({
          ...h,
          source: { repoURL: 'https://github.com/acme/deploy.git' },
        })),
        ...(app.operationState ? { operationState: app.operationState } : {}),
        sync: { status: running.has(app.name) ? 'OutOfSync' : 'Synced' },
        health: { status: app.health ?? 'Healthy' },
      },
    };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    app(name) {
      const app = apps.get(name);
      if (!app) throw new Error(`fake argocd: no app ${name}`);
      return app;
    },
    beforeNext(method, fn) {
      hooks.push({ method, fn });
    },
    failNext(status, body, method) {
      failures.push({ status, ...(body === undefined ? {} : { body }), ...(method ? { method } : {}) });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function send(res: ServerResponse, status: number, data: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(data));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
