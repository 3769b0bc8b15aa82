import type { AlertStore } from '../../src/ports';
import type { Db } from '../../src/store/db';
import { createSqlAlertStore } from '../../src/store/sql-alert-store';
import { sleep } from '../helpers/services';
import { addAlert, createGroup, manualClock, newGroupKey, resetAlertState } from './alert-store.fixtures';

/** AlertStore message map (exactly-once claim) and render queue. `openDb` returns a migrated, private database. */
export function alertStoreOutboxContract(name: string, openDb: () => Promise<Db>): void {
  describe(`AlertStore messages and render jobs contract (${name})`, () => {
    let db: Db;
    let store: AlertStore;

    beforeAll(async () => {
      db = await openDb();
      store = createSqlAlertStore(db);
    });
    afterAll(() => db?.close());
    beforeEach(() => resetAlertState(db));

    describe('messages', () => {
      test('exactly one of 10 concurrent claims wins', async () => {
        const id = await createGroup(store);
        const wins = await Promise.all(Array.from({ length: 10 }, () => store.claimMessage(id, 60_000)));
        expect(wins.filter(Boolean)).toHaveLength(1);
      });

      test('a stale claim without a message can be taken over; a fresh one cannot', async () => {
        const id = await createGroup(store);
        expect(await store.claimMessage(id, 60_000)).toBe(true);
        await sleep(50);
        expect(await store.claimMessage(id, 60_000)).toBe(false);
        expect(await store.claimMessage(id, 20)).toBe(true);
        expect(await store.claimMessage(id, 20)).toBe(false);
      });

      test('a posted message is never claimed again, however old', async () => {
        const id = await createGroup(store);
        expect(await store.claimMessage(id, 60_000)).toBe(true);
        await store.saveMessage(id, { channel: 'C1', ts: '1700000000.000100' }, 1);
        await sleep(20);
        expect(await store.claimMessage(id, 1)).toBe(false);
        await store.releaseClaim(id);
        expect(await store.getMessage(id)).toEqual({
          channel: 'C1',
          ts: '1700000000.000100',
          renderedVersion: 1,
        });
      });

      test('releaseClaim lets the next claim win at once', async () => {
        const id = await createGroup(store);
        expect(await store.claimMessage(id, 60_000)).toBe(true);
        await store.releaseClaim(id);
        expect(await store.claimMessage(id, 60_000)).toBe(true);
      });

      test('stale claims follow an injected clock', async () => {
        const clock = manualClock();
        const clocked = createSqlAlertStore(db, clock);
        const id = await createGroup(clocked);
        expect(await clocked.claimMessage(id, 30_000)).toBe(true);
        clock.advance(29_000);
        expect(await clocked.claimMessage(id, 30_000)).toBe(false);
        clock.advance(1_000);
        expect(await clocked.claimMessage(id, 30_000)).toBe(true);
      });

      test('claiming for an unknown group is NOT_FOUND', async () => {
        await expect(store.claimMessage('0123456789abcdef01234567', 60_000)).rejects.toMatchObject({
          code: 'NOT_FOUND',
        });
      });

      test('saveMessage, getMessage and findGroupIdByMessage', async () => {
        const id = await createGroup(store);
        const other = await createGroup(store);
        expect(await store.claimMessage(id, 60_000)).toBe(true);
        expect(await store.getMessage(id)).toBeNull();

        await store.saveMessage(id, { channel: 'C1', ts: '1.1' }, 1);
        await store.saveMessage(other, { channel: 'C2', ts: '1.1' }, 3);
        await store.saveMessage(id, { channel: 'C1', ts: '1.1' }, 2);

        expect(await store.getMessage(id)).toEqual({ channel: 'C1', ts: '1.1', renderedVersion: 2 });
        expect(await store.findGroupIdByMessage({ channel: 'C1', ts: '1.1' })).toBe(id);
        expect(await store.findGroupIdByMessage({ channel: 'C2', ts: '1.1' })).toBe(other);
        expect(await store.findGroupIdByMessage({ channel: 'C1', ts: '9.9' })).toBeNull();
        expect(await store.getMessage('0123456789abcdef01234567')).toBeNull();
      });
    });

    describe('render jobs', () => {
      test('a change queues one coalesced job; take leases it', async () => {
        const key = newGroupKey();
        await store.mutateGroup(key, addAlert(key));
        await store.mutateGroup(key, addAlert(key));
        const id = (await store.mutateGroup(key, addAlert(key)))!.group.id;

        const job = await store.takeRenderJob(60_000);
        expect(job).toEqual({ groupId: id, seq: expect.any(Number), attempts: 1 });
        expect(await store.takeRenderJob(60_000)).toBeNull();
      });

      test('an expired lease makes the job due again with attempts counted', async () => {
        const id = await createGroup(store);
        const first = await store.takeRenderJob(300);
        expect(await store.takeRenderJob(300)).toBeNull();
        await sleep(450);
        const second = await store.takeRenderJob(300);
        expect(second).toEqual({ groupId: id, seq: first!.seq, attempts: 2 });
      });

      test('complete removes the job when its seq is unchanged', async () => {
        await createGroup(store);
        const job = await store.takeRenderJob(1);
        await store.completeRenderJob(job!);
        await sleep(20);
        expect(await store.takeRenderJob(60_000)).toBeNull();
      });

      test('complete leaves a job re-queued meanwhile, due at once with a fresh attempt count', async () => {
        const key = newGroupKey();
        await store.mutateGroup(key, addAlert(key));
        const old = await store.takeRenderJob(60_000);
        await store.mutateGroup(key, addAlert(key));
        await store.completeRenderJob(old!);

        const next = await store.takeRenderJob(60_000);
        expect(next).toEqual({ groupId: old!.groupId, seq: expect.any(Number), attempts: 1 });
        expect(next!.seq).toBeGreaterThan(old!.seq);
      });

      test('a seq is never reused after a job completed', async () => {
        const key = newGroupKey();
        await store.mutateGroup(key, addAlert(key));
        const first = await store.takeRenderJob(60_000);
        await store.completeRenderJob(first!);
        await store.mutateGroup(key, addAlert(key));
        const second = await store.takeRenderJob(60_000);
        await store.completeRenderJob(first!); // a late duplicate completion of the old job
        expect(second!.seq).toBeGreaterThan(first!.seq);
        expect(await store.takeRenderJob(60_000)).toBeNull();
        await store.retryRenderJob(second!, 0);
        expect(await store.takeRenderJob(60_000)).toEqual({ ...second!, attempts: 2 });
      });

      test('retry makes the job due again after the delay, keeping attempts', async () => {
        const clock = manualClock();
        const clocked = createSqlAlertStore(db, clock);
        await createGroup(clocked);
        const job = await clocked.takeRenderJob(60_000);
        await clocked.retryRenderJob(job!, 5_000);

        clock.advance(4_999);
        expect(await clocked.takeRenderJob(60_000)).toBeNull();
        clock.advance(1);
        expect(await clocked.takeRenderJob(60_000)).toEqual({ ...job!, attempts: 2 });
      });

      test('leases follow an injected clock', async () => {
        const clock = manualClock();
        const clocked = createSqlAlertStore(db, clock);
        await createGroup(clocked);
        const job = await clocked.takeRenderJob(10_000);
        clock.advance(9_999);
        expect(await clocked.takeRenderJob(10_000)).toBeNull();
        clock.advance(1);
        expect(await clocked.takeRenderJob(10_000)).toEqual({ ...job!, attempts: 2 });
      });

      test('oldest due job first', async () => {
        const clock = manualClock();
        const clocked = createSqlAlertStore(db, clock);
        const first = await createGroup(clocked);
        clock.advance(10);
        const second = await createGroup(clocked);
        expect((await clocked.takeRenderJob(60_000))!.groupId).toBe(first);
        expect((await clocked.takeRenderJob(60_000))!.groupId).toBe(second);
      });

      test('concurrent takers never get the same job (SKIP LOCKED)', async () => {
        const ids = [await createGroup(store), await createGroup(store), await createGroup(store)];
        const pair = await Promise.all([store.takeRenderJob(60_000), store.takeRenderJob(60_000)]);
        expect(pair.every((j) => j !== null)).toBe(true);
        expect(new Set(pair.map((j) => j!.groupId)).size).toBe(2);

        const rest = await Promise.all(Array.from({ length: 8 }, () => store.takeRenderJob(60_000)));
        const taken = [...pair, ...rest].filter((j) => j !== null).map((j) => j!.groupId);
        expect(taken.sort()).toEqual([...ids].sort());
      });
    });
  });
}
