import { AppError } from '../../src/errors';
import { createLogger } from '../../src/logger';
import type { DeployerDeps } from '../../src/rollback/backends';
import { type RollbackTargetConfig, TargetSchema } from '../../src/rollback/config-schema';
import type { RollbackContext } from '../../src/rollback/deployer';

/** A target as the rules loader would produce it (defaults applied). */
export function target(
  backend: RollbackTargetConfig['backend'],
  settings: Record<string, unknown>,
  name = 'shop-api',
) {
  return TargetSchema.parse({ name, backend, environment: 'production', settings });
}

export function context(t: RollbackTargetConfig, overrides: Partial<RollbackContext> = {}): RollbackContext {
  return {
    target: t,
    actor: 'UALICE',
    requestId: 'rb_01HZX3K9',
    alert: {
      groupId: 'g1',
      groupKey: '{}:{alertname="HighErrorRate"}',
      alertname: 'HighErrorRate',
      labels: { service: 'shop-api', severity: 'critical' },
    },
    ...overrides,
  };
}

/**
 * Deps with a fake clock: sleep advances time instantly, so polling and backoff cost nothing; log lines are
 * captured so tests can assert that no secret reached them.
 */
export function testDeps(env: Record<string, string>, extra: Partial<DeployerDeps> = {}) {
  let t = Date.now();
  const sleeps: number[] = [];
  const logs: string[] = [];
  const logger = createLogger('debug', { write: (line: string) => void logs.push(line) });
  const deps: DeployerDeps = {
    secrets: (name) => env[name],
    logger,
    pollIntervalMs: 1000,
    timeoutMs: 60_000,
    requestTimeoutMs: 2000,
    now: () => t,
    sleep: async (ms) => {
      sleeps.push(ms);
      t += ms;
    },
    ...extra,
  };
  return { deps, sleeps, logs, progress: [] as string[] };
}

/** The rejection of `p` as an AppError (fails the test when it resolves or throws something else). */
export async function failureOf(p: Promise<unknown>): Promise<AppError> {
  const outcome = await p.then(
    (v) => ({ ok: true as const, v }),
    (e: unknown) => ({ ok: false as const, e }),
  );
  if (outcome.ok) throw new Error(`expected a rejection, got ${JSON.stringify(outcome.v)}`);
  if (!(outcome.e instanceof AppError)) throw outcome.e;
  return outcome.e;
}

/** Everything a secret could leak into: message, details, cause chain, and the captured log lines. */
export function expectNoSecret(secret: string, ...things: unknown[]): void {
  for (const thing of things) {
    const text =
      thing instanceof Error
        ? JSON.stringify({ m: thing.message, d: (thing as AppError).details, c: String(thing.cause ?? '') })
        : JSON.stringify(thing);
    expect(text).not.toContain(secret);
  }
}
