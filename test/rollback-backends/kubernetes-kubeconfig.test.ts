import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDeployer } from '../../src/rollback/backends';
import { TargetSchema } from '../../src/rollback/config-schema';
import { seedDeployment } from '../fakes/kubernetes-fixtures';
import { type FakeKubernetes, startFakeKubernetes } from '../fakes/kubernetes-server';
import { FAKE_KUBERNETES_TLS_CERT, FAKE_KUBERNETES_TLS_KEY } from '../fakes/kubernetes-tls';
import { context, expectNoSecret, failureOf, target, testDeps } from './harness';

const TLS = { key: FAKE_KUBERNETES_TLS_KEY, cert: FAKE_KUBERNETES_TLS_CERT };
const CA_DATA = Buffer.from(FAKE_KUBERNETES_TLS_CERT).toString('base64');
const STATIC_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.kubeconfig-static-token';
const EXEC_TOKEN = 'k8s-aws-v1.aHR0cHM6Ly9zdHMuYW1hem9uYXdzLmNvbS9leGVjLXRva2Vu';

let k: FakeKubernetes;
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mogo-kubeconfig-'));
});

afterEach(async () => {
  await k.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * A credential plugin as `aws eks get-token` or `gke-gcloud-auth-plugin` are: it prints an ExecCredential and
 * counts its runs in a file; with FAIL set it fails as a logged-out plugin does.
 */
function execPlugin(token: string, expires = new Date(Date.now() + 3_600_000)): string {
  const script = join(dir, 'get-token.js');
  writeFileSync(
    script,
    `require('node:fs').appendFileSync(${JSON.stringify(join(dir, 'runs'))}, 'x');
if (process.env.FAIL) { process.stderr.write('error: not logged in; run "aws sso login"\\n'); process.exit(1); }
process.stdout.write(JSON.stringify({
  apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential',
  status: { token: ${JSON.stringify(token)}, expirationTimestamp: ${JSON.stringify(expires.toISOString())} },
}));`,
  );
  return script;
}

const runs = (): number => {
  try {
    return readFileSync(join(dir, 'runs'), 'utf8').length;
  } catch {
    return 0;
  }
};

/** Two contexts: "staging" (current, nothing listens there) and "prod" on the fake, each with its user. */
function writeKubeconfig(prodUser: object): string {
  const path = join(dir, 'config');
  appendFileSync(join(dir, 'runs'), '');
  writeFileSync(
    path,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'staging',
      clusters: [
        {
          name: 'staging',
          cluster: { server: 'https://127.0.0.1:1', 'certificate-authority-data': CA_DATA },
        },
        { name: 'prod', cluster: { server: k.url, 'certificate-authority-data': CA_DATA } },
      ],
      users: [
        { name: 'staging-admin', user: { token: 'staging-token-never-sent' } },
        { name: 'prod-admin', user: prodUser },
      ],
      contexts: [
        { name: 'staging', context: { cluster: 'staging', user: 'staging-admin' } },
        { name: 'prod', context: { cluster: 'prod', user: 'prod-admin', namespace: 'shop' } },
      ],
    }),
  );
  return path;
}

function deployerFor(settings: object, env: Record<string, string> = {}) {
  const t = target('kubernetes', { namespace: 'shop', name: 'api', ...settings });
  const h = testDeps(env);
  return { h, deployer: createDeployer(t, h.deps), ctx: context(t) };
}

describe('kubernetes: kubeconfig and context, as kubectl reaches a cluster', () => {
  it('uses the named context, its cluster CA and its user, not the current-context', async () => {
    k = await startFakeKubernetes({ tls: TLS, token: STATIC_TOKEN });
    seedDeployment(k, { images: ['shop:1.4.0', 'shop:1.5.0'] });
    const { deployer, ctx } = deployerFor({
      kubeconfig: writeKubeconfig({ token: STATIC_TOKEN }),
      context: 'prod',
    });

    const plan = await deployer.plan(ctx);

    expect(plan.toRevision).toBe('1');
    expect(k.calls.map((c) => c.headers.authorization)).toEqual([
      `Bearer ${STATIC_TOKEN}`,
      `Bearer ${STATIC_TOKEN}`,
    ]);
  });

  it('takes the current-context when none is named, and $KUBECONFIG when no file is', async () => {
    k = await startFakeKubernetes({ tls: TLS, token: STATIC_TOKEN });
    const path = writeKubeconfig({ token: STATIC_TOKEN });
    const current = deployerFor({ kubeconfig: path });
    const fromEnv = deployerFor({ context: 'nope' }, { KUBECONFIG: path });

    const unreachable = await failureOf(current.deployer.plan(current.ctx));
    const unknown = await failureOf(fromEnv.deployer.plan(fromEnv.ctx));

    expect(unreachable.code).toBe('ROLLBACK_BACKEND_UNAVAILABLE');
    expect(unreachable.message).toMatch(/cannot reach the Kubernetes API at 127\.0\.0\.1:1 /);
    expect(unknown.code).toBe('ROLLBACK_CONFIG');
    expect(unknown.message).toBe(
      `target "shop-api": the kubeconfig at ${path} has no context "nope" (it has: staging, prod)`,
    );
  });

  it('merges the files $KUBECONFIG lists, as kubectl does', async () => {
    k = await startFakeKubernetes({ tls: TLS, token: STATIC_TOKEN });
    seedDeployment(k, { images: ['shop:1.4.0', 'shop:1.5.0'] });
    const whole = JSON.parse(readFileSync(writeKubeconfig({ token: STATIC_TOKEN }), 'utf8'));
    const half = (i: number) => ({
      ...whole,
      ...(i === 0 ? {} : { 'current-context': undefined }),
      clusters: [whole.clusters[i]],
      users: [whole.users[i]],
      contexts: [whole.contexts[i]],
    });
    writeFileSync(join(dir, 'a'), JSON.stringify(half(0)));
    writeFileSync(join(dir, 'b'), JSON.stringify(half(1)));
    const { deployer, ctx } = deployerFor(
      { context: 'prod' },
      { KUBECONFIG: `${join(dir, 'a')}:${join(dir, 'b')}` },
    );

    await expect(deployer.plan(ctx)).resolves.toMatchObject({ toRevision: '1' });
  });

  it('gets its token from an exec credential plugin, once until it expires, and never shows it', async () => {
    k = await startFakeKubernetes({ tls: TLS, token: EXEC_TOKEN });
    seedDeployment(k, { images: ['shop:1.4.0', 'shop:1.5.0'] });
    const exec = {
      apiVersion: 'client.authentication.k8s.io/v1',
      command: process.execPath,
      args: [execPlugin(EXEC_TOKEN)],
      interactiveMode: 'Never',
    };
    const { deployer, ctx, h } = deployerFor({ kubeconfig: writeKubeconfig({ exec }), context: 'prod' });

    await deployer.plan(ctx);
    await deployer.plan(ctx);
    await k.close();
    k = await startFakeKubernetes({ tls: TLS, token: 'the-cluster-now-wants-another-token' });
    const refused = await failureOf(
      deployerFor({ kubeconfig: writeKubeconfig({ exec }), context: 'prod' }).deployer.plan(ctx),
    );

    expect(runs()).toBe(2);
    expect(refused.code).toBe('ROLLBACK_CONFIG');
    expect(refused.message).toBe(
      `the user of context "prod" in ${join(dir, 'config')} for target "shop-api" was refused by the Kubernetes API (HTTP 401: Unauthorized)`,
    );
    expectNoSecret(EXEC_TOKEN, refused, h.logs);
  });

  it('says what the credential plugin said when it fails (a logged-out aws or gcloud)', async () => {
    k = await startFakeKubernetes({ tls: TLS, token: EXEC_TOKEN });
    const exec = {
      apiVersion: 'client.authentication.k8s.io/v1',
      command: process.execPath,
      args: [execPlugin(EXEC_TOKEN)],
      env: [{ name: 'FAIL', value: '1' }],
    };
    const { deployer, ctx } = deployerFor({ kubeconfig: writeKubeconfig({ exec }), context: 'prod' });

    const err = await failureOf(deployer.plan(ctx));

    expect(err.code).toBe('ROLLBACK_CONFIG');
    expect(err.message).toBe(
      `target "shop-api": the credential plugin "${process.execPath}" of context "prod" in ${join(dir, 'config')} failed: error: not logged in; run "aws sso login"`,
    );
    expect(k.calls).toHaveLength(0);
  });

  it('sends an OIDC id-token that has not expired', async () => {
    const payload = Buffer.from(JSON.stringify({ exp: Math.floor(Date.now() / 1000) + 3600 })).toString(
      'base64url',
    );
    const idToken = `eyJhbGciOiJSUzI1NiJ9.${payload}.c2lnbmF0dXJl`;
    k = await startFakeKubernetes({ tls: TLS, token: idToken });
    seedDeployment(k, { images: ['shop:1.4.0', 'shop:1.5.0'] });
    const oidc = {
      'auth-provider': {
        name: 'oidc',
        config: { 'client-id': 'kubernetes', 'id-token': idToken, 'idp-issuer-url': 'https://127.0.0.1:1' },
      },
    };
    const { deployer, ctx } = deployerFor({ kubeconfig: writeKubeconfig(oidc), context: 'prod' });

    await expect(deployer.plan(ctx)).resolves.toMatchObject({ toRevision: '1' });
  });

  it('names a missing kubeconfig file', async () => {
    k = await startFakeKubernetes();
    const { deployer, ctx } = deployerFor({ kubeconfig: join(dir, 'absent') });

    const err = await failureOf(deployer.plan(ctx));

    expect(err.message).toBe(
      `target "shop-api": cannot read the kubeconfig at ${join(dir, 'absent')} (ENOENT)`,
    );
  });

  it('refuses a second way to reach the cluster beside a kubeconfig, in the rules file', async () => {
    k = await startFakeKubernetes();
    const parsed = TargetSchema.safeParse({
      name: 'shop-api',
      backend: 'kubernetes',
      settings: {
        namespace: 'shop',
        name: 'api',
        kubeconfig: '/etc/kube',
        api_url: 'https://k8s:6443',
        token_env: 'T',
      },
    });

    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path.at(-1))).toEqual(['api_url', 'token_env']);
  });
});
