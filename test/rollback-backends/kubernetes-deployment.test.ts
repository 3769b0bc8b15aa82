import { createDeployer } from '../../src/rollback/backends';
import { hashOfImage, seedDeployment } from '../fakes/kubernetes-fixtures';
import {
  type FakeKubernetes,
  type FakeKubernetesOptions,
  startFakeKubernetes,
} from '../fakes/kubernetes-server';
import { context, expectNoSecret, failureOf, target, testDeps } from './harness';

const TOKEN = 'eyJhbGciOiJSUzI1NiIsImtpZCI6InRlc3QifQ.k8s-token';
const IMAGES = ['shop:1.3.0', 'shop:1.4.0', 'shop:1.5.0'];

let k: FakeKubernetes;

afterEach(async () => {
  await k.close();
});

async function setup(
  opts: {
    fake?: FakeKubernetesOptions;
    images?: string[];
    paused?: boolean;
    env?: Record<string, string>;
    deps?: object;
  } = {},
) {
  k = await startFakeKubernetes({ token: TOKEN, ...opts.fake });
  const seeded = seedDeployment(k, { images: opts.images ?? IMAGES, paused: opts.paused ?? false });
  const t = target('kubernetes', { namespace: 'shop', name: 'api', api_url: k.url, token_env: 'KUBE_TOKEN' });
  const h = testDeps(opts.env ?? { KUBE_TOKEN: TOKEN }, opts.deps);
  const deployer = createDeployer(t, h.deps);
  return {
    h,
    seeded,
    plan: () => deployer.plan(context(t)),
    run: () => deployer.rollback(context(t), (line) => h.progress.push(line)),
  };
}

const deployment = () => k.get('deployments', 'shop', 'api')!;

describe('kubernetes deployer, kind Deployment', () => {
  it('plans the previous owned revision, naming the images', async () => {
    const { plan } = await setup();

    await expect(plan()).resolves.toEqual({
      summary: 'Deployment shop/api: revision 3 -> 2 (api: shop:1.5.0 -> shop:1.4.0)',
      fromRevision: '3',
      toRevision: '2',
    });
    expect(k.calls.map((c) => [c.method, c.path, c.query])).toEqual([
      ['GET', '/apis/apps/v1/namespaces/shop/deployments/api', {}],
      ['GET', '/apis/apps/v1/namespaces/shop/replicasets', { labelSelector: 'app=api' }],
    ]);
    expect(k.calls[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('patches the previous template back behind a resourceVersion test, as kubectl rollout undo does', async () => {
    const { run, h, seeded } = await setup();
    const previous = k.get('replicasets', 'shop', `api-${hashOfImage('shop:1.4.0')}`)!;

    const result = await run();

    const patch = k.calls.find((c) => c.method === 'PATCH')!;
    expect(patch.path).toBe('/apis/apps/v1/namespaces/shop/deployments/api');
    expect(patch.headers['content-type']).toBe('application/json-patch+json');
    const template = structuredClone(previous.spec.template);
    delete template.metadata.labels['pod-template-hash'];
    expect(patch.body).toEqual([
      { op: 'test', path: '/metadata/resourceVersion', value: seeded.metadata.resourceVersion },
      { op: 'replace', path: '/spec/template', value: template },
      {
        op: 'replace',
        path: '/metadata/annotations',
        value: {
          'deployment.kubernetes.io/revision': '3',
          'kubectl.kubernetes.io/last-applied-configuration': '{"kind":"Deployment"}',
          'kubernetes.io/change-cause': 'deploy shop:1.4.0',
        },
      },
    ]);
    expect(patch.status).toBe(200);
    expect(deployment().spec.template.spec.containers[0].image).toBe('shop:1.4.0');
    expect(deployment().metadata.annotations['deployment.kubernetes.io/revision']).toBe('4');
    expect(previous.metadata.annotations['deployment.kubernetes.io/revision']).toBe('4');
    expect(h.progress).toEqual([
      'restoring the template of revision 2 into Deployment shop/api',
      'waiting for the Deployment controller to see the change',
      '1 of 3 new replicas have been updated',
      '2 of 3 new replicas have been updated',
      '1 old replicas are pending termination',
      '2 of 3 updated replicas are available',
    ]);
    expect(result).toEqual({
      summary:
        'Deployment shop/api rolled back to the template of revision 2 (now revision 4); 3/3 replicas available',
      details: {
        kind: 'Deployment',
        namespace: 'shop',
        name: 'api',
        fromRevision: '3',
        toRevision: '2',
        newRevision: '4',
        replicas: 3,
      },
    });
  });

  it('refuses a paused Deployment', async () => {
    const { plan, run } = await setup({ paused: true });

    for (const err of [await failureOf(plan()), await failureOf(run())]) {
      expect(err.code).toBe('ROLLBACK_REFUSED');
      expect(err.message).toBe('target "shop-api": cannot roll back a paused Deployment; resume it first');
    }
    expect(k.calls.some((c) => c.method === 'PATCH')).toBe(false);
  });

  it('refuses when there is no previous owned revision (a foreign ReplicaSet does not count)', async () => {
    const { run } = await setup({ images: ['shop:1.5.0'] });

    const err = await failureOf(run());

    expect(err.code).toBe('ROLLBACK_REFUSED');
    expect(err.message).toBe(
      'target "shop-api": Deployment shop/api has no previous revision to roll back to (current revision 1)',
    );
  });

  it('refuses when the Deployment already runs the previous template', async () => {
    const { plan } = await setup({ images: ['shop:1.4.0', 'shop:1.5.0'] });
    deployment().spec.template.spec.containers[0].image = 'shop:1.4.0';

    const err = await failureOf(plan());

    expect(err.code).toBe('ROLLBACK_REFUSED');
    expect(err.message).toBe(
      'target "shop-api": Deployment shop/api already runs the template of revision 1',
    );
  });

  it('answers ROLLBACK_CONFLICT when the Deployment changed between read and patch (failed test op, 422)', async () => {
    const { run } = await setup();
    k.beforeNext('PATCH', () => k.state.touch('deployments', 'shop', 'api'));

    const err = await failureOf(run());

    expect(k.calls.find((c) => c.method === 'PATCH')!.status).toBe(422);
    expect(err.code).toBe('ROLLBACK_CONFLICT');
    expect(err.message).toBe('target "shop-api": the Deployment changed meanwhile; try again');
    expect(deployment().spec.template.spec.containers[0].image).toBe('shop:1.5.0');
  });

  it('answers ROLLBACK_CONFLICT on a 409 too', async () => {
    const { run } = await setup();
    k.beforeNext('PATCH', () =>
      k.failNext(
        409,
        'Operation cannot be fulfilled on deployments.apps "api": the object has been modified',
      ),
    );

    const err = await failureOf(run());

    expect(err.code).toBe('ROLLBACK_CONFLICT');
  });

  it('fails when the rollout exceeds its progress deadline', async () => {
    const { run } = await setup();
    k.setProgress('deployments', 'shop', 'api', 'deadline');

    const err = await failureOf(run());

    expect(err.code).toBe('ROLLBACK_FAILED');
    expect(err.message).toBe(
      'target "shop-api": Deployment shop/api exceeded its progress deadline: ReplicaSet has timed out progressing.',
    );
  });

  it('times out a rollout that stops moving', async () => {
    const { run } = await setup({ deps: { timeoutMs: 10_000 } });
    k.setProgress('deployments', 'shop', 'api', 'stuck');

    const err = await failureOf(run());

    expect(err.code).toBe('ROLLBACK_TIMEOUT');
    expect(err.message).toBe(
      'target "shop-api": the rollout of Deployment shop/api did not finish within 10s; last seen: 1 of 3 new replicas have been updated',
    );
  });

  it('works with exactly the documented RBAC (get/patch deployments, list replicasets)', async () => {
    const { run } = await setup({
      fake: { allow: ['get deployments', 'list replicasets', 'patch deployments'] },
    });

    await expect(run()).resolves.toMatchObject({ summary: expect.stringContaining('rolled back') });
  });

  it('says what RBAC refused, as a config problem', async () => {
    const { run } = await setup({ fake: { allow: ['get deployments', 'list replicasets'] } });

    const err = await failureOf(run());

    expect(err.code).toBe('ROLLBACK_CONFIG');
    expect(err.message).toBe(
      'the token for target "shop-api" was refused by the Kubernetes API (HTTP 403: deployments.apps "api" is forbidden: User "system:serviceaccount:mogo:mogo" cannot patch resource "deployments" in API group "apps" in the namespace "shop")',
    );
  });

  it('refuses a wrong token without showing it', async () => {
    const wrong = 'eyJwrong-token-value-0123456789';
    const { plan, h } = await setup({ env: { KUBE_TOKEN: wrong } });

    const err = await failureOf(plan());

    expect(err.code).toBe('ROLLBACK_CONFIG');
    expect(err.message).toBe(
      'the token for target "shop-api" was refused by the Kubernetes API (HTTP 401: Unauthorized)',
    );
    expectNoSecret(wrong, err, h.logs);
  });

  it('names a missing Deployment', async () => {
    await setup();
    const t = target('kubernetes', {
      namespace: 'shop',
      name: 'gone',
      api_url: k.url,
      token_env: 'KUBE_TOKEN',
    });

    const err = await failureOf(createDeployer(t, testDeps({ KUBE_TOKEN: TOKEN }).deps).plan(context(t)));

    expect(err.code).toBe('ROLLBACK_CONFIG');
    expect(err.message).toBe(
      'target "shop-api": the Kubernetes API has no Deployment shop/gone (HTTP 404: deployments.apps "gone" not found)',
    );
  });

  it('says which variable is missing before calling the API', async () => {
    const { plan } = await setup({ env: {} });

    const err = await failureOf(plan());

    expect(err.code).toBe('ROLLBACK_CONFIG');
    expect(err.message).toBe('target "shop-api": environment variable KUBE_TOKEN is not set');
    expect(k.calls).toHaveLength(0);
  });

  it('reports an unreachable API server as unavailable', async () => {
    const { plan } = await setup();
    await k.close();

    const err = await failureOf(plan());
    k = await startFakeKubernetes(); // for afterEach

    expect(err.code).toBe('ROLLBACK_BACKEND_UNAVAILABLE');
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/cannot reach the Kubernetes API at 127\.0\.0\.1:\d+ \(ECONNREFUSED/);
  });
});
