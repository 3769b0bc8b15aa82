import { createDeployer } from '../../src/rollback/backends';
import {
  DEPLOY_WEBHOOK_SECRET,
  type DeployWebhookServer,
  startDeployWebhookServer,
} from '../fakes/deploy-webhook-server';
import { context, expectNoSecret, failureOf, target, testDeps } from './harness';

let hook: DeployWebhookServer;

afterEach(async () => {
  await hook.close();
});

function setup(opts: { secret?: string; url?: string; timeout_seconds?: number } = {}) {
  const t = target('webhook', {
    url: opts.url ?? hook.url,
    secret_env: 'DEPLOY_HOOK_SECRET',
    ...(opts.timeout_seconds ? { timeout_seconds: opts.timeout_seconds } : {}),
  });
  const h = testDeps({ DEPLOY_HOOK_SECRET: opts.secret ?? DEPLOY_WEBHOOK_SECRET });
  const deployer = createDeployer(t, h.deps);
  const run = () => deployer.rollback(context(t), (line) => h.progress.push(line));
  return { t, h, deployer, run, host: new URL(hook.url).host };
}

describe('webhook deployer', () => {
  it('POSTs the signed rollback request and summarises the answer', async () => {
    hook = await startDeployWebhookServer();
    const { t, h, deployer, run, host } = setup();

    const plan = await deployer.plan(context(t));
    const result = await run();

    expect(plan).toEqual({ summary: `POST to ${host}` });
    expect(hook.calls).toHaveLength(1);
    const call = hook.calls[0]!;
    expect(call.verified).toBe(true);
    expect(call.body).toEqual({
      type: 'mogo.rollback',
      id: 'rb_01HZX3K9',
      target: 'shop-api',
      environment: 'production',
      actor: 'UALICE',
      alert: context(t).alert,
      requestedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    const { requestedAt } = call.body as { requestedAt: string };
    expect(Math.floor(Date.parse(requestedAt) / 1000)).toBe(Number(call.headers['webhook-timestamp']));
    expect(call.headers).toMatchObject({
      'content-type': 'application/json',
      'webhook-id': 'rb_01HZX3K9',
      'idempotency-key': 'rb_01HZX3K9',
      'webhook-signature': expect.stringMatching(/^v1,[A-Za-z0-9+/]+=*$/),
    });
    expect(result).toEqual({
      summary: `webhook accepted by ${host} (HTTP 202): {"accepted":true}`,
      details: { host, status: 202, attempts: 1, response: '{"accepted":true}' },
    });
    expect(h.progress).toEqual([`posting to ${host}`]);
  });

  it('signs with the raw UTF-8 bytes of a secret without the whsec_ prefix', async () => {
    hook = await startDeployWebhookServer({ secret: 'a plain shared secret' });
    const { run } = setup({ secret: 'a plain shared secret' });

    await run();

    expect(hook.calls[0]!.verified).toBe(true);
  });

  it('retries a 5xx with the same webhook-id, signing each attempt afresh', async () => {
    hook = await startDeployWebhookServer();
    hook.respondNext(503, { error: 'deployer restarting' });
    const { h, run } = setup();

    const result = await run();

    expect(hook.calls.map((c) => [c.status, c.verified, c.headers['webhook-id']])).toEqual([
      [503, true, 'rb_01HZX3K9'],
      [202, true, 'rb_01HZX3K9'],
    ]);
    expect(hook.calls[0]!.raw).toBe(hook.calls[1]!.raw);
    expect(h.sleeps).toEqual([1000]);
    expect(result.details).toMatchObject({ attempts: 2 });
  });

  it('gives up after two retries with ROLLBACK_BACKEND_UNAVAILABLE, still safe to retry', async () => {
    hook = await startDeployWebhookServer();
    hook.respondWith(502, { error: 'bad gateway' });
    const { h, run } = setup();

    const err = await failureOf(run());

    expect(hook.calls).toHaveLength(3);
    expect(h.sleeps).toEqual([1000, 3000]);
    expect(err.code).toBe('ROLLBACK_BACKEND_UNAVAILABLE');
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/HTTP 502: bad gateway.*after 3 attempts/);
  });

  it('waits as long as Retry-After says on a 429', async () => {
    hook = await startDeployWebhookServer();
    hook.respondNext(429, { message: 'slow down' }, { 'retry-after': '7' });
    const { h, run } = setup();

    await run();

    expect(h.sleeps).toEqual([7000]);
    expect(hook.calls).toHaveLength(2);
  });

  it('reports an unreachable receiver after retrying', async () => {
    hook = await startDeployWebhookServer();
    const url = hook.url;
    await hook.close();
    const { run } = setup({ url });
    hook = await startDeployWebhookServer(); // for afterEach

    const err = await failureOf(run());

    expect(err.code).toBe('ROLLBACK_BACKEND_UNAVAILABLE');
    expect(err.message).toContain('ECONNREFUSED');
    expect(err.details).toMatchObject({ attempts: 3 });
  });

  it('maps 409 to ROLLBACK_REFUSED in the receiver words, without retrying', async () => {
    hook = await startDeployWebhookServer();
    hook.respondWith(409, { message: 'a deploy of shop-api is already running' });
    const { run, host } = setup();

    const err = await failureOf(run());

    expect(hook.calls).toHaveLength(1);
    expect(err.code).toBe('ROLLBACK_REFUSED');
    expect(err.message).toBe(
      `target "shop-api": ${host} refused the rollback (HTTP 409: a deploy of shop-api is already running)`,
    );
  });

  it.each([
    [401, 'ROLLBACK_CONFIG', /^the webhook secret for target "shop-api" was refused/],
    [403, 'ROLLBACK_CONFIG', /^the webhook secret for target "shop-api" was refused/],
    [404, 'ROLLBACK_CONFIG', /has no endpoint at this URL \(HTTP 404/],
    [422, 'ROLLBACK_REFUSED', /refused \(HTTP 422: unknown service/],
  ])('maps HTTP %i to %s without retrying', async (status, code, message) => {
    hook = await startDeployWebhookServer();
    hook.respondWith(status, { message: 'unknown service' });
    const { run } = setup();

    const err = await failureOf(run());

    expect(hook.calls).toHaveLength(1);
    expect(err.code).toBe(code);
    expect(err.message).toMatch(message);
  });

  it('stops at the overall deadline instead of retrying a receiver that times out', async () => {
    hook = await startDeployWebhookServer();
    hook.delay(1500);
    const t = target('webhook', { url: hook.url, secret_env: 'S', timeout_seconds: 1 });
    const h = testDeps({ S: DEPLOY_WEBHOOK_SECRET }, { timeoutMs: 500 });

    const err = await failureOf(createDeployer(t, h.deps).rollback(context(t), () => {}));

    expect(err.code).toBe('ROLLBACK_BACKEND_UNAVAILABLE');
    expect(err.message).toMatch(/did not answer within 1s/);
  });

  it('says which variable is missing and calls nothing', async () => {
    hook = await startDeployWebhookServer();
    const t = target('webhook', { url: hook.url, secret_env: 'DEPLOY_HOOK_SECRET' });
    const deployer = createDeployer(t, testDeps({}).deps);

    const errs = [
      await failureOf(deployer.plan(context(t))),
      await failureOf(deployer.rollback(context(t), () => {})),
    ];

    for (const err of errs) {
      expect(err.code).toBe('ROLLBACK_CONFIG');
      expect(err.message).toBe('target "shop-api": environment variable DEPLOY_HOOK_SECRET is not set');
    }
    expect(hook.calls).toHaveLength(0);
  });

  it('never shows the secret, or a secret in the URL, in plans, results, errors or logs', async () => {
    hook = await startDeployWebhookServer();
    hook.respondWith(500, { message: `echo ${DEPLOY_WEBHOOK_SECRET}` });
    const { h, deployer, t, run } = setup({ url: `${hook.url}/hooks/T0K3N-in-path?key=k3y-in-query` });

    const plan = await deployer.plan(context(t));
    const err = await failureOf(run());

    for (const leak of [DEPLOY_WEBHOOK_SECRET, 'T0K3N-in-path', 'k3y-in-query']) {
      expectNoSecret(leak, plan, err, h.logs, h.progress);
    }
    expect(err.message).toContain('[redacted]');
  });
});
