import { randomUUID } from 'node:crypto';
import { sampleGroup } from '../../../test/fakes/alert-group';
import { manualClock } from '../../../test/fakes/clock';
import { createStaticDirectory } from '../../../test/fakes/directory';
import { openPglite } from '../../../test/helpers/services';
import { AppError } from '../../errors';
import { createLogger } from '../../logger';
import type { AlertStore, Notifier, RollbackEvent, RollbackStore } from '../../ports';
import {
  type RoleConfig,
  RoleSchema,
  type RollbackTargetConfig,
  TargetSchema,
} from '../../rollback/config-schema';
import type { Deployer, RollbackContext } from '../../rollback/deployer';
import type { RuleSet } from '../../rules';
import type { Db } from '../../store/db';
import { createSqlAlertStore } from '../../store/sql-alert-store';
import { createSqlAuditLog, type SqlAuditLog } from '../../store/sql-audit-log';
import { createSqlPlacements } from '../../store/sql-placements';
import { createSqlRollbackStore } from '../../store/sql-rollback-store';
import { approveRollback } from './approve';
import { DEFAULT_ROLLBACK_OPTIONS, type RollbackDeps } from './deps';
import { prepareRollback } from './prepare';
import { createRollbackRunner, type RollbackRunner } from './runner';
import { submitRollback } from './submit';
import { sweepRollbacks } from './sweep';

const TARGETS: RollbackTargetConfig[] = [
  TargetSchema.parse({
    name: 'api-prod',
    backend: 'kubernetes',
    settings: { namespace: 'shop', name: 'api' },
  }),
  TargetSchema.parse({
    name: 'api-guarded',
    backend: 'webhook',
    approval: true,
    settings: { url: 'https://deploy.example.invalid/', secret_env: 'HOOK_SECRET' },
  }),
];
const ROLES: RoleConfig[] = [
  RoleSchema.parse({
    name: 'oncall',
    users: ['UALICE'],
    usergroups: ['SSRE'],
    permissions: [{ action: 'rollback' }, { action: 'approve' }],
  }),
];

describe('rollback use cases (PGlite store, fake Slack, fake deployer)', () => {
  let db: Db;
  let audit: SqlAuditLog;
  const clock = manualClock(new Date('2026-01-01T10:00:00Z'));
  let alerts: AlertStore;
  let rollbacks: RollbackStore;
  const events: RollbackEvent[] = [];
  const calls: { op: string; ctx: RollbackContext }[] = [];
  let rollbackImpl: Deployer['rollback'];
  let deployerFor: RollbackDeps['deployerFor'];
  let deps: RollbackDeps;
  let runner: RollbackRunner;

  const notifier: Notifier = { notify: async (e) => void events.push(e) };

  beforeAll(async () => {
    db = await openPglite();
    audit = createSqlAuditLog(db, { flushIntervalMs: 5, onError: () => {} });
    alerts = createSqlAlertStore(db, clock);
    rollbacks = createSqlRollbackStore(db, clock);
  });
  afterAll(async () => {
    await audit.close();
    await db.close();
  });
  beforeEach(async () => {
    await db.query('TRUNCATE rollbacks');
    events.length = 0;
    calls.length = 0;
    rollbackImpl = async () => ({ summary: 'done', details: {} });
    deployerFor = (target) => ({
      backend: target.backend,
      plan: async (ctx) => {
        calls.push({ op: 'plan', ctx });
        return { summary: 'plan' };
      },
      rollback: (ctx, progress) => {
        calls.push({ op: 'rollback', ctx });
        return rollbackImpl(ctx, progress);
      },
    });
    deps = {
      alerts,
      rollbacks,
      audit,
      notifier,
      directory: createStaticDirectory({ SSRE: ['UBOB'] }),
      rules: { current: () => ({ targets: TARGETS, roles: ROLES }) as unknown as RuleSet },
      clock,
      deployerFor: (t) => deployerFor(t),
      logger: createLogger('silent'),
      onChanged: () => {},
      options: { ...DEFAULT_ROLLBACK_OPTIONS, approvalTtlMs: 60_000 },
    };
    runner = createRollbackRunner(deps);
  });

  /** A posted group whose alerts name `target`. */
  const group = async (target: string | null = 'api-prod') => {
    const key = `{}:{alertname="Unit-${randomUUID()}"}`;
    const routing = { ...sampleGroup(key).routing, rollbackTarget: target };
    const res = await alerts.mutateGroup(key, () => ({ next: sampleGroup(key, { routing }), audit: [] }));
    await createSqlPlacements(db, clock).saveMessage(
      res!.group.id,
      { channel: 'C1', ts: `${Date.now()}.${randomUUID().slice(0, 6)}` },
      1,
    );
    return res!.group.id;
  };
  const lastAudit = async (action: string) => {
    await audit.flush();
    return (await audit.list({ action, limit: 1 }))[0];
  };
  const submit = (groupId: string, target: string, user = 'UALICE', requestId = randomUUID()) =>
    submitRollback(deps, runner, { groupId, target, requestId, plan: 'plan', user });

  it('prepare: an unknown group, a group without a declared target, a user without a role', async () => {
    expect(await prepareRollback(deps, { groupId: 'nope', user: 'UALICE' })).toEqual({ kind: 'group_gone' });
    const undeclared = await group('not-declared');
    expect(await prepareRollback(deps, { groupId: undeclared, user: 'UALICE' })).toEqual({
      kind: 'no_target',
    });
    const g = await group();
    expect(await prepareRollback(deps, { groupId: g, user: 'UEVE' })).toMatchObject({
      kind: 'denied',
      denial: { reason: 'not_a_member', action: { kind: 'rollback', target: 'api-prod' } },
    });
    expect(await lastAudit('rollback.denied')).toMatchObject({ actor: 'UEVE', subject: `group:${g}` });
    expect(await prepareRollback(deps, { groupId: g, user: 'UBOB' })).toMatchObject({
      kind: 'ok',
      target: { name: 'api-prod' },
      requestId: expect.any(String),
    });
    expect(calls).toEqual([]);
  });

  it('submit refuses a dialog whose target is no longer the group’s', async () => {
    const g = await group();
    expect(await submit(g, 'api-guarded')).toEqual({ kind: 'target_changed' });
    expect(await rollbacks.latestForGroup(g)).toBeNull();
  });

  it('a target needing approval waits, expiring approvalTtlMs later; an overdue one frees the target', async () => {
    const g = await group('api-guarded');
    const first = randomUUID();
    expect(await submit(g, 'api-guarded', 'UALICE', first)).toEqual({ kind: 'ok' });
    expect(await rollbacks.get(first)).toMatchObject({
      state: 'pending',
      expiresAt: new Date(clock.now().getTime() + 60_000),
    });
    expect(events.at(-1)).toMatchObject({ kind: 'rollback.pending', record: { id: first } });
    expect(await submit(g, 'api-guarded', 'UBOB')).toMatchObject({
      kind: 'busy',
      active: { id: first, state: 'pending', requestedBy: 'UALICE' },
    });

    clock.advance(60_000);
    const second = randomUUID();
    expect(await submit(g, 'api-guarded', 'UBOB', second)).toEqual({ kind: 'ok' });
    expect((await rollbacks.get(first))!.state).toBe('expired');
    expect((await rollbacks.get(second))!.state).toBe('pending');
    expect(await lastAudit('rollback.expired')).toMatchObject({
      details: expect.objectContaining({ requestId: first }),
    });
    expect(calls).toEqual([]);
  });

  it('approval: never by the requester, only by a holder of approve, and then it runs as the approver', async () => {
    const g = await group('api-guarded');
    const id = randomUUID();
    await submit(g, 'api-guarded', 'UBOB', id);

    expect(await approveRollback(deps, runner, { requestId: id, user: 'UBOB' })).toEqual({
      kind: 'self_approval',
    });
    expect(await lastAudit('rollback.denied')).toMatchObject({
      actor: 'UBOB',
      details: { reason: 'self_approval' },
    });
    expect(await approveRollback(deps, runner, { requestId: id, user: 'UEVE' })).toMatchObject({
      kind: 'denied',
    });
    expect(await approveRollback(deps, runner, { requestId: id, user: 'UALICE' })).toEqual({ kind: 'ok' });
    await runner.idle();

    expect(calls.map((c) => [c.op, c.ctx.actor, c.ctx.requestId])).toEqual([['rollback', 'UALICE', id]]);
    expect(await rollbacks.get(id)).toMatchObject({
      state: 'succeeded',
      approvedBy: 'UALICE',
      requestedBy: 'UBOB',
    });
  });

  it('progress: repeated lines once, at most 20 in the thread, then one note', async () => {
    rollbackImpl = async (_ctx, progress) => {
      for (let i = 1; i <= 30; i++) {
        progress(`step ${i}`);
        progress(`step ${i}`);
      }
      return { summary: 'all steps done', details: { steps: 30 } };
    };
    const g = await group();
    await submit(g, 'api-prod');
    await runner.idle();

    const progress = events.filter((e) => e.kind === 'rollback.progress').map((e) => e.line);
    expect(progress).toEqual(Array.from({ length: 20 }, (_, i) => `step ${i + 1}`));
    expect(events.map((e) => e.kind)).toEqual([
      'rollback.started',
      ...progress.map(() => 'rollback.progress'),
      'rollback.progress_cut',
      'rollback.succeeded',
    ]);
    expect(events.at(-1)).toMatchObject({ summary: 'all steps done', record: { target: 'api-prod' } });
  });

  it('a deployer that cannot be built (a missing secret) fails the rollback loudly', async () => {
    deployerFor = () => {
      throw new AppError('ROLLBACK_CONFIG', 'environment variable K8S_TOKEN is not set');
    };
    const g = await group();
    await submit(g, 'api-prod');
    await runner.idle();

    expect(await rollbacks.latestForGroup(g)).toMatchObject({
      state: 'failed',
      summary: 'The target is misconfigured: environment variable K8S_TOKEN is not set',
    });
    expect(events.at(-1)).toMatchObject({
      kind: 'rollback.failed',
      summary: 'The target is misconfigured: environment variable K8S_TOKEN is not set',
    });
    expect(await lastAudit('rollback.failed')).toMatchObject({
      details: expect.objectContaining({ code: 'ROLLBACK_CONFIG', reason: 'backend' }),
    });
  });

  it('the sweep reports stale rollbacks of other processes, never its own', async () => {
    let release = () => {};
    rollbackImpl = () => new Promise((r) => (release = () => r({ summary: 'late', details: {} })));
    const mine = await group();
    await submit(mine, 'api-prod');
    clock.advance(deps.options.staleMs + 1);

    expect(await sweepRollbacks(deps, runner)).toEqual({ expired: 0, interrupted: 0 });
    expect(await sweepRollbacks(deps, { isRunning: () => false })).toEqual({ expired: 0, interrupted: 1 });
    expect((await rollbacks.latestForGroup(mine))!.state).toBe('interrupted');
    expect(events.at(-1)).toMatchObject({ kind: 'rollback.interrupted', cause: 'lost' });
    release();
    await runner.idle();
    expect((await rollbacks.latestForGroup(mine))!.state).toBe('interrupted');
  });
});
