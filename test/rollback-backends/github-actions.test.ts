import { createDeployer } from '../../src/rollback/backends';
import { type FakeGithub, type FakeGithubOptions, startFakeGithub } from '../fakes/github-server';
import { context, expectNoSecret, failureOf, target, testDeps } from './harness';

const TOKEN = 'ghp_TESTtoken0123456789abcdefABCDEF';

let gh: FakeGithub;

afterEach(async () => {
  await gh.close();
});

async function setup(
  settings: Record<string, unknown> = {},
  fake: Partial<FakeGithubOptions> = {},
  env = { GITHUB_TOKEN: TOKEN },
) {
  gh = await startFakeGithub({ token: TOKEN, ...fake });
  const t = target('github-actions', {
    owner: 'acme',
    repo: 'shop',
    workflow: 'rollback.yml',
    api_url: gh.url,
    ...settings,
  });
  const h = testDeps(env);
  const deployer = createDeployer(t, h.deps);
  return {
    h,
    plan: () => deployer.plan(context(t)),
    run: () => deployer.rollback(context(t), (line) => h.progress.push(line)),
  };
}

describe('github-actions deployer', () => {
  it('plans by checking the workflow exists and is active', async () => {
    const { plan } = await setup();

    await expect(plan()).resolves.toEqual({ summary: 'dispatch workflow rollback.yml on acme/shop@main' });
    expect(gh.calls).toHaveLength(1);
    expect(gh.calls[0]).toMatchObject({
      method: 'GET',
      path: '/repos/acme/shop/actions/workflows/rollback.yml',
      status: 200,
    });
  });

  it('dispatches the workflow with the alert, service, environment and actor as string inputs', async () => {
    const { run, h } = await setup(
      { ref: 'release', inputs: { environment: 'prod-eu', reason: 'alert' } },
      {
        refs: ['release'],
        workflows: [
          { file: 'rollback.yml', id: 1, inputs: ['alert', 'service', 'environment', 'actor', 'reason'] },
        ],
      },
    );

    const result = await run();

    expect(gh.calls).toHaveLength(1);
    const call = gh.calls[0]!;
    expect(call).toMatchObject({
      method: 'POST',
      path: '/repos/acme/shop/actions/workflows/rollback.yml/dispatches',
      status: 200,
    });
    expect(call.headers).toMatchObject({
      authorization: `Bearer ${TOKEN}`,
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
      'content-type': 'application/json',
    });
    expect(call.body).toEqual({
      ref: 'release',
      inputs: {
        alert: 'HighErrorRate',
        service: 'shop-api',
        environment: 'prod-eu',
        actor: 'UALICE',
        reason: 'alert',
      },
      return_run_details: true,
    });
    const runId = gh.dispatches[0]!.runId;
    expect(result).toEqual({
      summary: `workflow rollback.yml dispatched on acme/shop@release (https://github.com/acme/shop/actions/runs/${runId})`,
      details: {
        repo: 'acme/shop',
        workflow: 'rollback.yml',
        ref: 'release',
        status: 200,
        runId,
        runUrl: `https://github.com/acme/shop/actions/runs/${runId}`,
      },
    });
    expect(h.progress).toEqual(['dispatching workflow rollback.yml on acme/shop@release']);
  });

  it('dispatches again without return_run_details on a GitHub Enterprise that refuses it (204)', async () => {
    const { run } = await setup({}, { prefix: '/api/v3', runDetails: false });

    const result = await run();

    expect(gh.calls.map((c) => [c.path, c.status])).toEqual([
      ['/api/v3/repos/acme/shop/actions/workflows/rollback.yml/dispatches', 422],
      ['/api/v3/repos/acme/shop/actions/workflows/rollback.yml/dispatches', 204],
    ]);
    expect(gh.calls[1]!.body).not.toHaveProperty('return_run_details');
    expect(gh.dispatches).toHaveLength(1);
    expect(result.summary).toBe('workflow rollback.yml dispatched on acme/shop@main');
  });

  it('follows the run to its conclusion when follow_run is set', async () => {
    const { run, h } = await setup({ follow_run: true });

    const result = await run();

    expect(result.summary).toMatch(/^workflow rollback\.yml on acme\/shop@main succeeded \(https:/);
    expect(result.details).toMatchObject({ conclusion: 'success' });
    const runId = gh.dispatches[0]!.runId!;
    expect(h.progress).toEqual([
      'dispatching workflow rollback.yml on acme/shop@main',
      `workflow run ${runId}: queued`,
      `workflow run ${runId}: in progress`,
    ]);
  });

  it('reports a failed run as ROLLBACK_FAILED', async () => {
    const { run } = await setup({ follow_run: true }, { conclusion: 'failure' });

    const err = await failureOf(run());

    expect(err.code).toBe('ROLLBACK_FAILED');
    expect(err.message).toMatch(/workflow run \d+ of rollback\.yml ended failure/);
  });

  it('times a run out with ROLLBACK_TIMEOUT', async () => {
    gh = await startFakeGithub({ token: TOKEN });
    const t = target('github-actions', {
      owner: 'acme',
      repo: 'shop',
      workflow: 'rollback.yml',
      api_url: gh.url,
      follow_run: true,
    });
    const h = testDeps({ GITHUB_TOKEN: TOKEN }, { timeoutMs: 1000 });

    const err = await failureOf(createDeployer(t, h.deps).rollback(context(t), () => {}));

    expect(err.code).toBe('ROLLBACK_TIMEOUT');
    expect(err.message).toMatch(/did not finish within 1s; last seen: workflow run \d+: in progress/);
  });

  it.each([
    [
      'no workflow_dispatch trigger',
      { workflows: [{ file: 'rollback.yml', id: 1, dispatch: false }] },
      {},
      "Workflow does not have 'workflow_dispatch' trigger",
    ],
    ['an undeclared input', {}, { inputs: { extra: 'x' } }, 'Unexpected inputs provided: ["extra"]'],
    ['an unknown ref', {}, { ref: 'nope' }, 'No ref found for: nope'],
  ])('maps a 422 for %s to ROLLBACK_REFUSED quoting GitHub', async (_name, fake, settings, message) => {
    const { run } = await setup(settings, fake as Partial<FakeGithubOptions>);

    const err = await failureOf(run());

    expect(err.code).toBe('ROLLBACK_REFUSED');
    expect(err.message).toContain(`GitHub refused to dispatch rollback.yml on acme/shop@`);
    expect(err.message).toContain(message);
    expect(gh.dispatches).toHaveLength(0);
  });

  it('refuses to plan a disabled workflow and names a missing one', async () => {
    const { plan } = await setup(
      {},
      { workflows: [{ file: 'rollback.yml', id: 1, state: 'disabled_manually' }] },
    );
    const refused = await failureOf(plan());
    await gh.close();
    const missing = await failureOf((await setup({ workflow: 'gone.yml' })).plan());

    expect(refused.code).toBe('ROLLBACK_REFUSED');
    expect(refused.message).toBe(
      'target "shop-api": workflow rollback.yml in acme/shop is disabled manually; enable it first',
    );
    expect(missing.code).toBe('ROLLBACK_CONFIG');
    expect(missing.message).toMatch(/GitHub has no workflow "gone\.yml" in acme\/shop .*HTTP 404: Not Found/);
  });

  it('says plainly when the token is refused, without showing it', async () => {
    const { run, h } = await setup({}, {}, { GITHUB_TOKEN: 'ghp_wrongWRONGwrong0123456789' });

    const err = await failureOf(run());

    expect(err.code).toBe('ROLLBACK_CONFIG');
    expect(err.message).toBe(
      'the token for target "shop-api" was refused by GitHub (HTTP 401: Bad credentials)',
    );
    expectNoSecret('ghp_wrongWRONGwrong0123456789', err, h.logs);
  });

  it('treats a rate-limited 403 as unavailable, not as a bad token', async () => {
    const { run } = await setup();
    gh.failNext(
      403,
      { message: 'API rate limit exceeded for installation.' },
      { 'x-ratelimit-remaining': '0', 'retry-after': '60' },
    );

    const err = await failureOf(run());

    expect(err.code).toBe('ROLLBACK_BACKEND_UNAVAILABLE');
    expect(err.retryable).toBe(true);
    expect(err.details).toMatchObject({ retryAfterSeconds: 60 });
  });

  it('never repeats a dispatch that failed with a 5xx (it may have started a run)', async () => {
    const { run, h } = await setup();
    gh.failNext(502, { message: `upstream said token ${TOKEN} timed out` });

    const err = await failureOf(run());

    expect(gh.calls).toHaveLength(1);
    expect(err.code).toBe('ROLLBACK_BACKEND_UNAVAILABLE');
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(
      /GitHub is unavailable \(HTTP 502: upstream said token \[redacted\] timed out\); it may have acted on it/,
    );
    expectNoSecret(TOKEN, err, h.logs, h.progress);
  });

  it('retries a read that failed with a 5xx, with backoff', async () => {
    const { plan, h } = await setup();
    gh.failNext(503);
    gh.failNext(500);

    await expect(plan()).resolves.toMatchObject({ summary: expect.stringContaining('dispatch workflow') });
    expect(gh.calls.map((c) => c.status)).toEqual([503, 500, 200]);
    expect(h.sleeps).toEqual([500, 1000]);
  });

  it('reports an unreachable GitHub as ROLLBACK_BACKEND_UNAVAILABLE', async () => {
    const { plan } = await setup();
    await gh.close();

    const err = await failureOf(plan());

    expect(err.code).toBe('ROLLBACK_BACKEND_UNAVAILABLE');
    expect(err.message).toMatch(/cannot reach GitHub at 127\.0\.0\.1:\d+ \(ECONNREFUSED/);
    gh = await startFakeGithub({ token: TOKEN }); // for afterEach
  });

  it('says which variable is missing before calling GitHub', async () => {
    const { plan, run } = await setup({}, {}, {} as { GITHUB_TOKEN: string });

    for (const err of [await failureOf(plan()), await failureOf(run())]) {
      expect(err.code).toBe('ROLLBACK_CONFIG');
      expect(err.message).toBe('target "shop-api": environment variable GITHUB_TOKEN is not set');
    }
    expect(gh.calls).toHaveLength(0);
  });
});
