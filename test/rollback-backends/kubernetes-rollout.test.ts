import { createDeployer } from '../../src/rollback/backends';
import { hashOfImage, type SeedOptions, seedRollout } from '../fakes/kubernetes-fixtures';
import {
  type FakeKubernetes,
  type FakeKubernetesOptions,
  startFakeKubernetes,
} from '../fakes/kubernetes-server';
import { context, failureOf, target, testDeps } from './harness';

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.rollout-token';
const IMAGES = ['shop:1.3.0', 'shop:1.4.0', 'shop:1.5.0'];
const PATH = '/apis/argoproj.io/v1alpha1/namespaces/shop/rollouts/api';

let k: FakeKubernetes;

afterEach(async () => {
  await k.close();
});

async function setup(
  opts: { seed?: Partial<SeedOptions>; settings?: object; fake?: FakeKubernetesOptions; deps?: object } = {},
) {
  k = await startFakeKubernetes({ token: TOKEN, ...opts.fake });
  const seeded = seedRollout(k, { images: IMAGES, ...opts.seed });
  const t = target('kubernetes', {
    kind: 'Rollout',
    namespace: 'shop',
    name: 'api',
    api_url: k.url,
    token_env: 'KUBE_TOKEN',
    ...opts.settings,
  });
  const h = testDeps({ KUBE_TOKEN: TOKEN }, opts.deps);
  const deployer = createDeployer(t, h.deps);
  return {
    h,
    seeded,
    plan: () => deployer.plan(context(t)),
    run: () => deployer.rollback(context(t), (line) => h.progress.push(line)),
  };
}

const rollout = () => k.get('rollouts', 'shop', 'api')!;

describe('kubernetes deployer, kind Rollout', () => {
  it('undoes a finished rollout: previous template behind a resourceVersion test, followed to Healthy', async () => {
    const { plan, run, h, seeded } = await setup();
    const previous = k.get('replicasets', 'shop', `api-${hashOfImage('shop:1.4.0')}`)!;

    const planned = await plan();
    const result = await run();

    expect(planned).toEqual({
      summary: 'Rollout shop/api: revision 3 -> 2 (api: shop:1.5.0 -> shop:1.4.0)',
      fromRevision: '3',
      toRevision: '2',
    });
    const patch = k.calls.find((c) => c.method === 'PATCH')!;
    expect([patch.path, patch.headers['content-type'], patch.status]).toEqual([
      PATH,
      'application/json-patch+json',
      200,
    ]);
    const template = structuredClone(previous.spec.template);
    delete template.metadata.labels['rollouts-pod-template-hash'];
    expect(patch.body).toEqual([
      { op: 'test', path: '/metadata/resourceVersion', value: seeded.metadata.resourceVersion },
      { op: 'replace', path: '/spec/template', value: template },
    ]);
    expect(rollout().spec.template.spec.containers[0].image).toBe('shop:1.4.0');
    expect(h.progress).toEqual([
      'restoring the template of revision 2 into Rollout shop/api',
      'waiting for the Argo Rollouts controller to see the change',
      'Progressing: more replicas need to be updated',
      'Progressing: updated replicas are still becoming available',
    ]);
    expect(result).toEqual({
      summary: 'Rollout shop/api rolled back to the template of revision 2 (now revision 4); Healthy',
      details: {
        kind: 'Rollout',
        action: 'undo',
        namespace: 'shop',
        name: 'api',
        fromRevision: '3',
        toRevision: '2',
        newRevision: '4',
      },
    });
  });

  it('aborts an update in progress with a merge patch on the status subresource', async () => {
    const { plan, run, h } = await setup({ seed: { updating: true } });

    const planned = await plan();
    const result = await run();

    expect(planned).toEqual({
      summary: 'Rollout shop/api: abort the update to revision 3 and return to the stable revision 2',
      fromRevision: '3',
      toRevision: '2',
    });
    const patch = k.calls.find((c) => c.method === 'PATCH')!;
    expect([patch.path, patch.headers['content-type'], patch.body]).toEqual([
      `${PATH}/status`,
      'application/merge-patch+json',
      { status: { abort: true } },
    ]);
    expect(rollout().status.abort).toBe(true);
    expect(rollout().spec.template.spec.containers[0].image).toBe('shop:1.5.0');
    expect(h.progress).toEqual([
      'aborting the update of Rollout shop/api',
      'waiting for the Argo Rollouts controller to see the abort',
      'aborting: 2 of 3 replicas available',
    ]);
    expect(result).toEqual({
      summary: 'Rollout shop/api aborted; back on the stable revision 2',
      details: {
        kind: 'Rollout',
        action: 'abort',
        namespace: 'shop',
        name: 'api',
        fromRevision: '3',
        toRevision: '2',
      },
    });
  });

  it('undoes rather than aborts when told to', async () => {
    const { run } = await setup({ seed: { updating: true }, settings: { rollout_action: 'undo' } });

    await run();

    expect(k.calls.find((c) => c.method === 'PATCH')!.path).toBe(PATH);
  });

  it.each([
    [
      'abort with no update in progress',
      { settings: { rollout_action: 'abort' } },
      'Rollout shop/api has no update in progress to abort',
    ],
    [
      'undo of a paused Rollout',
      { seed: { paused: true } },
      'cannot roll back a paused Rollout; resume it first',
    ],
    [
      'undo of a single revision',
      { seed: { images: ['shop:1.5.0'] } },
      'Rollout shop/api has no previous revision to roll back to (current revision 1)',
    ],
  ])('refuses %s', async (_name, opts, message) => {
    const { plan, run } = await setup(opts);

    for (const err of [await failureOf(plan()), await failureOf(run())]) {
      expect(err.code).toBe('ROLLBACK_REFUSED');
      expect(err.message).toBe(`target "shop-api": ${message}`);
    }
    expect(k.calls.some((c) => c.method === 'PATCH')).toBe(false);
  });

  it('refuses to undo a Rollout whose template comes from workloadRef', async () => {
    const { plan } = await setup();
    rollout().spec.workloadRef = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' };

    const err = await failureOf(plan());

    expect(err.message).toBe(
      'target "shop-api": Rollout shop/api takes its template from workloadRef; roll back that workload instead',
    );
  });

  it('answers ROLLBACK_CONFLICT when the Rollout changed between read and patch', async () => {
    const { run } = await setup();
    k.beforeNext('PATCH', () => k.state.touch('rollouts', 'shop', 'api'));

    const err = await failureOf(run());

    expect(err.code).toBe('ROLLBACK_CONFLICT');
    expect(err.message).toBe('target "shop-api": the Rollout changed meanwhile; try again');
  });

  it('fails when the Rollout turns Degraded', async () => {
    const { run } = await setup();
    k.setProgress('rollouts', 'shop', 'api', 'degraded');

    const err = await failureOf(run());

    expect(err.code).toBe('ROLLBACK_FAILED');
    expect(err.message).toBe(
      'target "shop-api": Rollout shop/api is Degraded: ProgressDeadlineExceeded: ReplicaSet has timed out progressing.',
    );
  });

  it('times out a Rollout that pauses at a canary step', async () => {
    const { run } = await setup({ deps: { timeoutMs: 8000 } });
    k.setProgress('rollouts', 'shop', 'api', 'paused');

    const err = await failureOf(run());

    expect(err.code).toBe('ROLLBACK_TIMEOUT');
    expect(err.message).toBe(
      'target "shop-api": the rollout of Rollout shop/api did not finish within 8s; last seen: Paused: CanaryPauseStep',
    );
  });

  it('works with exactly the documented RBAC, for abort and for undo', async () => {
    const allow = ['get rollouts', 'list replicasets', 'patch rollouts', 'patch rollouts/status'];
    const aborting = await setup({ seed: { updating: true }, fake: { allow } });
    await expect(aborting.run()).resolves.toMatchObject({ details: { action: 'abort' } });
    await k.close();
    const undoing = await setup({ fake: { allow } });

    await expect(undoing.run()).resolves.toMatchObject({ details: { action: 'undo' } });
  });
});
