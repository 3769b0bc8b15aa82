import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDeployer } from '../../src/rollback/backends';
import { seedDeployment } from '../fakes/kubernetes-fixtures';
import { type FakeKubernetes, startFakeKubernetes } from '../fakes/kubernetes-server';
import { FAKE_KUBERNETES_TLS_CERT, FAKE_KUBERNETES_TLS_KEY } from '../fakes/kubernetes-tls';
import { context, expectNoSecret, failureOf, target, testDeps } from './harness';

const SA_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.service-account-token-1';
const TLS = { key: FAKE_KUBERNETES_TLS_KEY, cert: FAKE_KUBERNETES_TLS_CERT };
const DATE_ONLY: Parameters<typeof jest.useFakeTimers>[0] = {
  doNotFake: [
    'nextTick',
    'setImmediate',
    'clearImmediate',
    'setTimeout',
    'clearTimeout',
    'setInterval',
    'clearInterval',
    'queueMicrotask',
    'hrtime',
    'performance',
  ],
};

let k: FakeKubernetes;
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mogo-sa-'));
  writeFileSync(join(dir, 'ca.crt'), FAKE_KUBERNETES_TLS_CERT);
  writeFileSync(join(dir, 'token'), `${SA_TOKEN}\n`);
  writeFileSync(join(dir, 'namespace'), 'mogo');
});

afterEach(async () => {
  await k.close();
  rmSync(dir, { recursive: true, force: true });
});

function inCluster(env: Record<string, string>, settings: object = {}) {
  const t = target('kubernetes', { namespace: 'shop', name: 'api', ...settings });
  const h = testDeps(env, { kubernetes: { inClusterDir: dir } });
  return { h, deployer: createDeployer(t, h.deps), ctx: context(t) };
}

const envFor = (fake: FakeKubernetes): Record<string, string> => ({
  KUBERNETES_SERVICE_HOST: '127.0.0.1',
  KUBERNETES_SERVICE_PORT: new URL(fake.url).port,
});

describe('kubernetes credentials', () => {
  it('uses the in-cluster service account over TLS, re-reading the rotated token after a minute as client-go does', async () => {
    k = await startFakeKubernetes({ tls: TLS });
    seedDeployment(k, { images: ['shop:1.4.0', 'shop:1.5.0'] });
    const { deployer, ctx } = inCluster(envFor(k));
    const rotated = 'eyJhbGciOiJSUzI1NiJ9.service-account-token-2';
    // only Date is faked: the token file's age is all that moves; sockets and timers stay real
    jest.useFakeTimers({ ...DATE_ONLY, now: Date.now() });

    try {
      await deployer.plan(ctx);
      writeFileSync(join(dir, 'token'), rotated);
      await deployer.plan(ctx);
      jest.setSystemTime(Date.now() + 61_000);
      await deployer.plan(ctx);
    } finally {
      jest.useRealTimers();
    }

    expect(k.url).toMatch(/^https:/);
    expect(k.calls.map((c) => c.headers.authorization)).toEqual([
      ...Array(4).fill(`Bearer ${SA_TOKEN}`),
      `Bearer ${rotated}`,
      `Bearer ${rotated}`,
    ]);
  });

  it('keeps the service-account token out of errors and logs', async () => {
    k = await startFakeKubernetes({ tls: TLS, token: 'another-token', allow: [] });
    const { deployer, ctx, h } = inCluster(envFor(k));

    const err = await failureOf(deployer.plan(ctx));

    expect(err.code).toBe('ROLLBACK_CONFIG');
    expectNoSecret(SA_TOKEN, err, h.logs);
  });

  it('says plainly when it is not in a cluster and has no api_url', async () => {
    k = await startFakeKubernetes();
    const { deployer, ctx } = inCluster({});

    const err = await failureOf(deployer.plan(ctx));

    expect(err.code).toBe('ROLLBACK_CONFIG');
    expect(err.message).toBe(
      'target "shop-api": no api_url or kubeconfig is set and mogo is not running in a cluster (environment variable KUBERNETES_SERVICE_HOST is not set)',
    );
  });

  it('names a missing service-account token file', async () => {
    k = await startFakeKubernetes({ tls: TLS });
    rmSync(join(dir, 'token'));
    const { deployer, ctx } = inCluster(envFor(k));

    const err = await failureOf(deployer.plan(ctx));

    expect(err.code).toBe('ROLLBACK_CONFIG');
    expect(err.message).toBe(
      `target "shop-api": cannot read the service-account token at ${join(dir, 'token')} (ENOENT)`,
    );
  });

  it('refuses an untrusted certificate unless given the CA (ca_file) or told insecure', async () => {
    k = await startFakeKubernetes({ tls: TLS, token: SA_TOKEN });
    seedDeployment(k, { images: ['shop:1.4.0', 'shop:1.5.0'] });
    const explicit = (settings: object) =>
      inCluster({ K: SA_TOKEN }, { api_url: k.url, token_env: 'K', ...settings });

    const plan = (settings: object) => {
      const { deployer, ctx } = explicit(settings);
      return deployer.plan(ctx);
    };

    const untrusted = await failureOf(plan({}));
    const withCa = await plan({ ca_file: join(dir, 'ca.crt') });
    const insecure = await plan({ insecure: true });

    expect(untrusted.code).toBe('ROLLBACK_CONFIG');
    expect(untrusted.message).toMatch(
      /^target "shop-api": the TLS certificate of 127\.0\.0\.1:\d+ is not trusted \(/,
    );
    expect(withCa.toRevision).toBe('1');
    expect(insecure.toRevision).toBe('1');
  });

  it('sends no Authorization header to an api_url without token_env (kubectl proxy)', async () => {
    k = await startFakeKubernetes();
    seedDeployment(k, { images: ['shop:1.4.0', 'shop:1.5.0'] });
    const { deployer, ctx } = inCluster({}, { api_url: k.url });

    await deployer.plan(ctx);

    expect(k.calls[0]!.headers.authorization).toBeUndefined();
  });
});
