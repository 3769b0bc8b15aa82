import { randomUUID } from 'node:crypto';
import type { AlertStore, AuditLog, NewRollback, Outbox, RollbackStore } from '../../src/ports';
import type { Db } from '../../src/store/db';
import { createSqlAlertStore } from '../../src/store/sql-alert-store';
import { createSqlAuditLog } from '../../src/store/sql-audit-log';
import { createSqlOutbox } from '../../src/store/sql-outbox';
import { createSqlRollbackStore } from '../../src/store/sql-rollback-store';
import { manualClock } from '../fakes/clock';
import { createGroup } from './alert-store.fixtures';

const newRequest = (over: Partial<NewRollback> = {}): NewRollback => ({
  id: randomUUID(),
  groupId: 'no-such-group',
  target: `target-${randomUUID()}`,
  backend: 'webhook',
  environment: 'production',
  requestedBy: 'UALICE',
  state: 'pending',
  expiresAt: new Date(Date.now() + 15 * 60_000),
  plan: 'revision 42 -> 41',
  ...over,
});

const audited = (r: NewRollback, action = 'rollback.requested') => [
  { actor: r.requestedBy, action, subject: `rollback:${r.id}`, details: { target: r.target } },
];

/** RollbackStore: one active request per target, conditional transitions, expiry and staleness. */
export function rollbackStoreContract(name: string, openDb: () => Promise<Db>): void {
  describe(`RollbackStore contract (${name})`, () => {
    let db: Db;
    let store: RollbackStore;
    let alerts: AlertStore;
    let outbox: Outbox;
    let audit: AuditLog;

    beforeAll(async () => {
      db = await openDb();
      store = createSqlRollbackStore(db);
      alerts = createSqlAlertStore(db);
      outbox = createSqlOutbox(db);
      audit = createSqlAuditLog(db, { onError: (err) => console.error(err) });
    });
    afterAll(() => db?.close());
    beforeEach(() => db.query('TRUNCATE rollbacks, outbox, group_messages, rollups, alert_groups'));

    const drainJobs = async () => {
      for (let job = await outbox.take(1); job; job = await outbox.take(1)) await outbox.complete(job);
    };

    test('create records the request with its audit rows and re-renders the group', async () => {
      const groupId = await createGroup(alerts);
      await drainJobs();
      const req = newRequest({ groupId });

      const res = await store.create(req, audited(req));

      expect(res).toEqual({
        created: true,
        record: expect.objectContaining({
          id: req.id,
          groupId,
          target: req.target,
          backend: 'webhook',
          environment: 'production',
          requestedBy: 'UALICE',
          approvedBy: null,
          cancelledBy: null,
          state: 'pending',
          expiresAt: req.expiresAt,
          startedAt: null,
          finishedAt: null,
          plan: 'revision 42 -> 41',
          summary: null,
          details: {},
        }),
      });
      expect(await store.get(req.id)).toEqual(res.created ? res.record : null);
      expect((await audit.list({ subject: `rollback:${req.id}` })).map((r) => r.action)).toEqual([
        'rollback.requested',
      ]);
      expect((await alerts.getGroup(groupId))!.version).toBe(2);
      expect(await outbox.take(1)).toMatchObject({ target: { kind: 'group', id: groupId } });
    });

    test('exactly one of 10 concurrent requests for a target wins; the others learn who holds it', async () => {
      const target = `target-${randomUUID()}`;
      const reqs = Array.from({ length: 10 }, (_, i) => newRequest({ target, requestedBy: `U${i}` }));

      const results = await Promise.all(reqs.map((r) => store.create(r, audited(r))));

      const winners = results.filter((r) => r.created);
      expect(winners).toHaveLength(1);
      const winner = winners[0]!.created ? winners[0]!.record : null;
      for (const r of results.filter((x) => !x.created))
        expect(r).toEqual({ created: false, active: expect.objectContaining({ id: winner!.id }) });
      const rows = await audit.list({ action: 'rollback.requested', limit: 1000 });
      expect(rows.filter((r) => r.details.target === target)).toHaveLength(1);
    });

    test('the same request twice (a double submit) creates it once', async () => {
      const req = newRequest();
      expect((await store.create(req, audited(req))).created).toBe(true);
      expect(await store.create(req, audited(req))).toEqual({
        created: false,
        active: expect.objectContaining({ id: req.id }),
      });
      expect(await audit.list({ subject: `rollback:${req.id}` })).toHaveLength(1);
    });

    test('requests for different targets do not block each other; a finished one frees its target', async () => {
      const a = newRequest();
      const b = newRequest();
      expect((await store.create(a, [])).created).toBe(true);
      expect((await store.create(b, [])).created).toBe(true);
      expect((await store.activeFor(a.target))!.id).toBe(a.id);

      await store.transition(a.id, ['pending'], 'expired', {}, []);
      expect(await store.activeFor(a.target)).toBeNull();
      const again = newRequest({ target: a.target });
      expect((await store.create(again, [])).created).toBe(true);
    });

    test('exactly one of 10 concurrent transitions from the same state wins, and only it is audited', async () => {
      const req = newRequest();
      await store.create(req, []);

      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          store.transition(req.id, ['pending'], 'approved', { approvedBy: `U${i}` }, [
            { actor: `U${i}`, action: 'rollback.approved', subject: `rollback:${req.id}` },
          ]),
        ),
      );

      const won = results.filter((r) => r !== null);
      expect(won).toHaveLength(1);
      expect(won[0]).toMatchObject({ state: 'approved', approvedBy: expect.stringMatching(/^U\d$/) });
      expect(await audit.list({ subject: `rollback:${req.id}` })).toEqual([
        expect.objectContaining({ actor: won[0]!.approvedBy, action: 'rollback.approved' }),
      ]);
    });

    test('transitions stamp start, heartbeat and finish, and merge details', async () => {
      const clock = manualClock(new Date('2026-01-01T10:00:00Z'));
      const clocked = createSqlRollbackStore(db, clock);
      const req = newRequest({ state: 'approved', expiresAt: null });
      await clocked.create(req, []);

      clock.advance(1_000);
      const running = await clocked.transition(req.id, ['approved'], 'running', { details: { a: 1 } }, []);
      expect(running).toMatchObject({
        state: 'running',
        startedAt: new Date('2026-01-01T10:00:01Z'),
        heartbeatAt: new Date('2026-01-01T10:00:01Z'),
        finishedAt: null,
        details: { a: 1 },
      });
      clock.advance(1_000);
      await clocked.heartbeat(req.id);
      expect((await clocked.get(req.id))!.heartbeatAt).toEqual(new Date('2026-01-01T10:00:02Z'));

      clock.advance(1_000);
      const done = await clocked.transition(
        req.id,
        ['running'],
        'succeeded',
        { summary: 'rolled back to 41', details: { b: 2 } },
        [],
      );
      expect(done).toMatchObject({
        state: 'succeeded',
        finishedAt: new Date('2026-01-01T10:00:03Z'),
        summary: 'rolled back to 41',
        details: { a: 1, b: 2 },
      });
      expect(await clocked.transition(req.id, ['running'], 'failed', {}, [])).toBeNull();
    });

    test('a failing audit row rolls the transition back', async () => {
      const req = newRequest();
      await store.create(req, []);
      const bad = { actor: null as unknown as string, action: 'rollback.approved', subject: 'x' };
      await expect(store.transition(req.id, ['pending'], 'approved', {}, [bad])).rejects.toThrow();
      expect((await store.get(req.id))!.state).toBe('pending');
    });

    test('listExpired: pending requests past expiresAt, by an injected clock', async () => {
      const clock = manualClock(new Date('2026-01-01T10:00:00Z'));
      const clocked = createSqlRollbackStore(db, clock);
      const soon = newRequest({ expiresAt: new Date('2026-01-01T10:05:00Z') });
      const later = newRequest({ expiresAt: new Date('2026-01-01T10:15:00Z') });
      const noApproval = newRequest({ state: 'approved', expiresAt: null });
      for (const r of [soon, later, noApproval]) await clocked.create(r, []);

      expect(await clocked.listExpired()).toEqual([]);
      clock.advance(5 * 60_000);
      expect((await clocked.listExpired()).map((r) => r.id)).toEqual([soon.id]);
      clock.advance(10 * 60_000);
      expect((await clocked.listExpired()).map((r) => r.id)).toEqual([soon.id, later.id]);
    });

    test('listStale: approved or running without a heartbeat for staleMs', async () => {
      const clock = manualClock(new Date('2026-01-01T10:00:00Z'));
      const clocked = createSqlRollbackStore(db, clock);
      const running = newRequest({ state: 'approved', expiresAt: null });
      const waiting = newRequest({ state: 'approved', expiresAt: null });
      const pending = newRequest();
      for (const r of [running, waiting, pending]) await clocked.create(r, []);
      await clocked.transition(running.id, ['approved'], 'running', {}, []);

      clock.advance(30_000);
      await clocked.heartbeat(running.id);
      clock.advance(40_000);
      expect((await clocked.listStale(60_000)).map((r) => r.id)).toEqual([waiting.id]);
      clock.advance(20_000);
      expect((await clocked.listStale(60_000)).map((r) => r.id).sort()).toEqual(
        [running.id, waiting.id].sort(),
      );
    });

    test('latestForGroup is the newest request made from the group', async () => {
      const clock = manualClock();
      const clocked = createSqlRollbackStore(db, clock);
      const groupId = await createGroup(alerts);
      const first = newRequest({ groupId });
      await clocked.create(first, []);
      await clocked.transition(first.id, ['pending'], 'denied', { cancelledBy: 'UALICE' }, []);
      clock.advance(1_000);
      const second = newRequest({ groupId });
      await clocked.create(second, []);

      expect((await clocked.latestForGroup(groupId))!.id).toBe(second.id);
      expect((await clocked.get(first.id))!.cancelledBy).toBe('UALICE');
      expect(await clocked.latestForGroup('other-group')).toBeNull();
    });

    test('listRecent shows active requests first, then the newest', async () => {
      const clock = manualClock();
      const clocked = createSqlRollbackStore(db, clock);
      const groupId = await createGroup(alerts);
      const active = newRequest({ groupId });
      await clocked.create(active, []);
      clock.advance(1_000);
      const done = newRequest({ groupId, target: `other-${active.target}` });
      await clocked.create(done, []);
      await clocked.transition(done.id, ['pending'], 'denied', { cancelledBy: 'UALICE' }, []);

      const recent = await clocked.listRecent(50);
      expect(recent.findIndex((r) => r.id === active.id)).toBeLessThan(
        recent.findIndex((r) => r.id === done.id),
      );
      expect(await clocked.listRecent(1)).toHaveLength(1);
    });
  });
}
