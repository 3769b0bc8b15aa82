import { createDeployer } from '../../src/rollback/backends';
import { type FakeArgoApp, type FakeArgoCd, startFakeArgoCd } from '../fakes/argocd-server';
import { context, expectNoSecret, failureOf, target, testDeps } from './harness';

const TOKEN = 'argocd-token-eyJhbGciOiJIUzI1NiJ9.test';
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);

let argo: FakeArgoCd;

afterEach(async () => {
  await argo.close();
});

function app(overrides: Partial<FakeArgoApp> = {}): FakeArgoApp {
  return {
    name: 'shop-api',
    history: [
      { id: 5, revision: A },
      { id: 6, revision: B },
      { id: 7, revision: C },
    ],
    operationState: { phase: 'Succeeded', message: 'successfully synced', startedAt: '2026-04-30T09:00:00Z' },
    ...overrides,
  };
}

async function setup(
  a: FakeArgoApp = app(),
  settings: Record<string, unknown> = {},
  env = { ARGOCD_TOKEN: TOKEN },
  extra = {},
) {
  argo = await startFakeArgoCd({ token: TOKEN, apps: [a] });
  const t = target('argocd', { server: argo.url, application: 'shop-api', ...settings });
  const h = testDeps(env, extra);
  const deployer = createDeployer(t, h.deps);
  return {
    h,
    plan: () => deployer.plan(context(t)),
    run: () => deployer.rollback(context(t), (line) => h.progress.push(line)),
  };
}

describe('argocd deployer', () => {
  it('plans the rollback to the previous history entry', async () => {
    const { plan } = await setup();

    await expect(plan()).resolves.toEqual({
      summary: 'Argo CD shop-api: history 7 (ccccccc) -> 6 (bbbbbbb)',
      fromRevision: C,
      toRevision: B,
    });
    expect(argo.calls[0]).toMatchObject({ method: 'GET', path: '/api/v1/applications/shop-api', query: {} });
    expect(argo.calls[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('rolls back to the exact history id and follows the operation to Succeeded', async () => {
    const { run, h } = await setup();

    const result = await run();

    const post = argo.calls.find((c) => c.method === 'POST')!;
    expect(post.path).toBe('/api/v1/applications/shop-api/rollback');
    expect(post.body).toEqual({ name: 'shop-api', id: 6, dryRun: false, prune: false });
    expect(h.progress).toEqual([
      'asking Argo CD to roll shop-api back to history id 6 (bbbbbbb)',
      'waiting for Argo CD to start the sync',
      'Running: one or more tasks are running',
      'Running: waiting for healthy state of apps/Deployment/shop-api',
    ]);
    expect(result).toEqual({
      summary: 'Argo CD rolled shop-api back to history id 6 (bbbbbbb), Healthy',
      details: {
        application: 'shop-api',
        historyId: 6,
        fromRevision: C,
        toRevision: B,
        phase: 'Succeeded',
        message: 'successfully synced (all tasks run)',
        sync: 'Synced',
        health: 'Healthy',
      },
    });
    expect(argo.app('shop-api').history.at(-1)).toMatchObject({ id: 8, revision: B });
  });

  it('names the app namespace on every call when set', async () => {
    const { run } = await setup(app({ namespace: 'team-a' }), { app_namespace: 'team-a' });

    await run();

    expect(argo.calls.filter((c) => c.method === 'GET').every((c) => c.query.appNamespace === 'team-a')).toBe(
      true,
    );
    expect(argo.calls.find((c) => c.method === 'POST')!.body).toEqual({
      name: 'shop-api',
      id: 6,
      dryRun: false,
      prune: false,
      appNamespace: 'team-a',
    });
  });

  it('skips history entries that re-deployed the current revision', async () => {
    const history = [
      { id: 5, revision: A },
      { id: 6, revision: B },
      { id: 7, revision: B },
    ];
    const { plan } = await setup(app({ history }));

    await expect(plan()).resolves.toMatchObject({
      summary: 'Argo CD shop-api: history 7 (bbbbbbb) -> 5 (aaaaaaa)',
    });
  });

  it.each([
    [
      'auto-sync is on',
      app({ automated: true }),
      'auto-sync is enabled for shop-api; Argo CD refuses to roll back — disable auto-sync first',
    ],
    [
      'an operation runs',
      app({
        operation: { sync: {} },
        operationState: { phase: 'Running', message: 'syncing', startedAt: 'x' },
      }),
      'another operation is in progress on shop-api (Running: syncing); wait for it or terminate it first',
    ],
    [
      'there is no earlier revision',
      app({ history: [{ id: 1, revision: A }] }),
      'Argo CD has no earlier deployment of shop-api with a different revision to roll back to',
    ],
  ])('refuses, before calling rollback, when %s', async (_name, a, message) => {
    const { plan, run } = await setup(a);

    for (const err of [await failureOf(plan()), await failureOf(run())]) {
      expect(err.code).toBe('ROLLBACK_REFUSED');
      expect(err.message).toBe(`target "shop-api": ${message}`);
    }
    expect(argo.calls.some((c) => c.method === 'POST')).toBe(false);
  });

  it.each([
    [
      'auto-sync was turned on',
      (a: FakeArgoApp) => {
        a.automated = true;
      },
      'rollback cannot be initiated when auto-sync is enabled',
    ],
    [
      'the history entry was pruned',
      (a: FakeArgoApp) => void a.history.splice(1, 1),
      'application shop-api does not have deployment with id 6',
    ],
    [
      'a sync started',
      (a: FakeArgoApp) => {
        a.operation = { sync: {} };
      },
      'another operation is already in progress',
    ],
  ])("quotes Argo CD's own refusal when %s meanwhile", async (_name, change, message) => {
    const { run } = await setup();
    argo.beforeNext('POST', () => change(argo.app('shop-api')));

    const err = await failureOf(run());

    expect(err.code).toBe('ROLLBACK_REFUSED');
    expect(err.message).toBe(`target "shop-api": Argo CD refused the rollback: ${message}`);
    expect(err.details).toMatchObject({ status: 400 });
  });

  it('reports an operation that ends Failed with Argo CD message', async () => {
    const script = [
      { phase: 'Running' as const, message: 'syncing' },
      { phase: 'Failed' as const, message: 'one or more objects failed to apply' },
    ];
    const { run } = await setup(app({ script }));

    const err = await failureOf(run());

    expect(err.code).toBe('ROLLBACK_FAILED');
    expect(err.message).toBe(
      'target "shop-api": Argo CD rollback of shop-api ended Failed: one or more objects failed to apply',
    );
  });

  it('times out an operation that keeps running', async () => {
    const script = Array.from({ length: 20 }, () => ({
      phase: 'Running' as const,
      message: 'waiting for healthy state',
    }));
    const { run } = await setup(app({ script }), {}, { ARGOCD_TOKEN: TOKEN }, { timeoutMs: 5000 });

    const err = await failureOf(run());

    expect(err.code).toBe('ROLLBACK_TIMEOUT');
    expect(err.message).toBe(
      'target "shop-api": the Argo CD rollback of shop-api did not finish within 5s; last seen: Running: waiting for healthy state',
    );
  });

  it('keeps following through a few failed reads', async () => {
    const { run, h } = await setup();
    argo.beforeNext('POST', () => {
      for (let i = 0; i < 3; i++)
        argo.failNext(503, { error: 'upstream', code: 14, message: 'connection refused' }, 'GET');
    });

    const result = await run();

    expect(result.summary).toMatch(/^Argo CD rolled shop-api back/);
    expect(
      h.progress.some((l) => l.startsWith('cannot see the Argo CD rollback of shop-api right now')),
    ).toBe(true);
  });

  it('never repeats the rollback POST after a 5xx', async () => {
    const { run } = await setup();
    argo.beforeNext('POST', () => argo.failNext(502, { message: 'bad gateway' }));

    const err = await failureOf(run());

    expect(argo.calls.filter((c) => c.method === 'POST')).toHaveLength(1);
    expect(err.code).toBe('ROLLBACK_BACKEND_UNAVAILABLE');
    expect(err.retryable).toBe(false);
  });

  it('says the token was refused without showing it, and names a missing app', async () => {
    const bad = 'argocd-wrong-token-0123456789';
    const first = await setup(app(), {}, { ARGOCD_TOKEN: bad });
    const refused = await failureOf(first.run());
    await argo.close();
    const second = await setup(app({ name: 'other' }));
    const missing = await failureOf(second.plan());

    expect(refused.code).toBe('ROLLBACK_CONFIG');
    expect(refused.message).toBe(
      'the token for target "shop-api" was refused by Argo CD (HTTP 401: invalid session: token signature is invalid)',
    );
    expectNoSecret(bad, refused, first.h.logs);
    expect(missing.code).toBe('ROLLBACK_CONFIG');
    expect(missing.message).toMatch(/Argo CD has no application shop-api \(HTTP 404/);
  });

  it('says which variable is missing', async () => {
    const { plan } = await setup(app(), {}, {} as { ARGOCD_TOKEN: string });

    const err = await failureOf(plan());

    expect(err.message).toBe('target "shop-api": environment variable ARGOCD_TOKEN is not set');
    expect(argo.calls).toHaveLength(0);
  });
});
