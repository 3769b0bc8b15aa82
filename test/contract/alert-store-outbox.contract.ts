import type { AlertGroup } from '../../src/domain/group';
import type { AlertStore, Outbox, Placements } from '../../src/ports';
import type { Db } from '../../src/store/db';
import { createSqlAlertStore } from '../../src/store/sql-alert-store';
import { createSqlOutbox } from '../../src/store/sql-outbox';
import { createSqlPlacements } from '../../src/store/sql-placements';
import { sampleAlert, sampleGroup } from '../fakes/alert-group';
import { manualClock } from '../fakes/clock';
import { sleep } from '../helpers/services';
import { addAlert, createGroup, newGroupKey, resetAlertState } from './alert-store.fixtures';

/** Creates a group routed as given (priority, channel) and returns its id. */
async function createRouted(store: AlertStore, routing: Partial<AlertGroup['routing']>): Promise<string> {
  const key = newGroupKey();
  const res = await store.mutateGroup(key, () => ({
    next: sampleGroup(key, {
      alerts: [sampleAlert('fp1')],
      routing: {
        priority: 'P2',
        score: 10,
        channel: 'C123',
        mentions: [],
        notify: true,
        matched: [],
        ...routing,
      },
    }),
    audit: [],
  }));
  return res!.group.id;
}

/**
 * Placements (exactly-once first post, roll-up lines) and the Outbox (priority order, leases, postpone).
 * `openDb` returns a migrated, private database.
 */
export function alertStoreOutboxContract(name: string, openDb: () => Promise<Db>): void {
  describe(`Placements and Outbox contract (${name})`, () => {
    let db: Db;
    let store: AlertStore;
    let places: Placements;
    let outbox: Outbox;

    beforeAll(async () => {
      db = await openDb();
      store = createSqlAlertStore(db);
      places = createSqlPlacements(db);
      outbox = createSqlOutbox(db);
    });
    afterAll(() => db?.close());
    beforeEach(() => resetAlertState(db));

    describe('placements', () => {
      test('exactly one of 10 concurrent claims wins', async () => {
        const id = await createGroup(store);
        const wins = await Promise.all(Array.from({ length: 10 }, () => places.claim(id, 60_000)));
        expect(wins.filter(Boolean)).toHaveLength(1);
        expect(await places.get(id)).toEqual({ kind: 'claimed' });
      });

      test('a stale claim without a message can be taken over; a fresh one cannot', async () => {
        const id = await createGroup(store);
        expect(await places.claim(id, 60_000)).toBe(true);
        await sleep(50);
        expect(await places.claim(id, 60_000)).toBe(false);
        expect(await places.claim(id, 20)).toBe(true);
        expect(await places.claim(id, 20)).toBe(false);
      });

      test('a posted message is never claimed again, however old', async () => {
        const id = await createGroup(store);
        expect(await places.claim(id, 60_000)).toBe(true);
        await places.saveMessage(id, { channel: 'C1', ts: '1700000000.000100' }, 1);
        await sleep(20);
        expect(await places.claim(id, 1)).toBe(false);
        await places.releaseClaim(id);
        expect(await store.getMessage(id)).toEqual({
          channel: 'C1',
          ts: '1700000000.000100',
          renderedVersion: 1,
        });
        expect(await places.get(id)).toEqual({
          kind: 'message',
          ref: { channel: 'C1', ts: '1700000000.000100' },
          renderedVersion: 1,
        });
      });

      test('releaseClaim lets the next claim win at once', async () => {
        const id = await createGroup(store);
        expect(await places.claim(id, 60_000)).toBe(true);
        await places.releaseClaim(id);
        expect(await places.get(id)).toBeNull();
        expect(await places.claim(id, 60_000)).toBe(true);
      });

      test('stale claims follow an injected clock', async () => {
        const clock = manualClock();
        const clocked = createSqlPlacements(db, clock);
        const id = await createGroup(createSqlAlertStore(db, clock));
        expect(await clocked.claim(id, 30_000)).toBe(true);
        clock.advance(29_000);
        expect(await clocked.claim(id, 30_000)).toBe(false);
        clock.advance(1_000);
        expect(await clocked.claim(id, 30_000)).toBe(true);
      });

      test('claiming for an unknown group is NOT_FOUND', async () => {
        await expect(places.claim('0123456789abcdef01234567', 60_000)).rejects.toMatchObject({
          code: 'NOT_FOUND',
        });
      });

      test('saveMessage, getMessage and findGroupIdByMessage', async () => {
        const id = await createGroup(store);
        const other = await createGroup(store);
        expect(await places.claim(id, 60_000)).toBe(true);
        expect(await store.getMessage(id)).toBeNull();

        await places.saveMessage(id, { channel: 'C1', ts: '1.1' }, 1);
        await places.saveMessage(other, { channel: 'C2', ts: '1.1' }, 3);
        await places.saveMessage(id, { channel: 'C1', ts: '1.1' }, 2);

        expect(await store.getMessage(id)).toEqual({ channel: 'C1', ts: '1.1', renderedVersion: 2 });
        expect(await store.findGroupIdByMessage({ channel: 'C1', ts: '1.1' })).toBe(id);
        expect(await store.findGroupIdByMessage({ channel: 'C2', ts: '1.1' })).toBe(other);
        expect(await store.findGroupIdByMessage({ channel: 'C1', ts: '9.9' })).toBeNull();
        expect(await store.getMessage('0123456789abcdef01234567')).toBeNull();
      });
    });

    describe('roll-ups', () => {
      test('claimed groups join one open roll-up per channel; their changes re-render it, not them', async () => {
        const [a, b] = [
          await createRouted(store, { priority: 'P3' }),
          await createRouted(store, { priority: 'P2' }),
        ];
        await drainAll(outbox);
        for (const id of [a, b]) expect(await places.claim(id, 60_000)).toBe(true);
        const ra = await places.joinRollup(a, '#alerts', 'P3');
        const rb = await places.joinRollup(b, '#alerts', 'P2');
        expect(rb).toBe(ra);
        expect(await places.get(a)).toEqual({ kind: 'rollup', rollupId: ra, closed: false });
        expect(await places.rollupActive('#alerts', 60_000)).toBe(true);
        expect(await places.rollupActive('#other', 60_000)).toBe(false);

        const job = await outbox.take(60_000);
        expect(job).toMatchObject({ target: { kind: 'rollup', id: ra }, priority: 'P2', firstPost: true });
        const rollup = await places.getRollup(ra);
        expect(rollup).toMatchObject({ id: ra, channel: '#alerts', ref: null, version: 3, closedAt: null });
        expect(rollup!.members.map((g) => g.id).sort()).toEqual([a, b].sort());
        await places.saveRollup(ra, { channel: 'C9', ts: '5.5' }, rollup!.version, false);
        await outbox.complete(job!);

        // a line changes: the roll-up is queued again (as an update), the group itself is not
        const key = (await store.getGroup(a))!.groupKey;
        await store.mutateGroup(key, addAlert(key));
        const next = await outbox.take(60_000);
        expect(next).toMatchObject({ target: { kind: 'rollup', id: ra }, firstPost: false });
        expect(await outbox.take(60_000)).toBeNull();
      });

      test('a roll-up closes only if nothing joined since the render; then the next storm opens a new one', async () => {
        const a = await createRouted(store, { priority: 'P3' });
        await places.claim(a, 60_000);
        const id = await places.joinRollup(a, '#alerts', 'P3');
        const seen = (await places.getRollup(id))!.version;
        const b = await createRouted(store, { priority: 'P3' });
        await places.claim(b, 60_000);
        await places.joinRollup(b, '#alerts', 'P3');
        await places.saveRollup(id, { channel: 'C9', ts: '1.1' }, seen, true);
        expect((await places.getRollup(id))!.closedAt).toBeNull();
        await places.saveRollup(id, { channel: 'C9', ts: '1.1' }, seen + 1, true);
        expect((await places.getRollup(id))!.closedAt).not.toBeNull();
        expect(await places.get(a)).toEqual({ kind: 'rollup', rollupId: id, closed: true });
        // a line of a closed roll-up can be placed again
        expect(await places.claim(a, 60_000)).toBe(true);
        expect(await places.joinRollup(a, '#alerts', 'P3')).not.toBe(id);
      });

      test('a group that gets its own message leaves its roll-up, which re-renders', async () => {
        const a = await createRouted(store, { priority: 'P3' });
        await places.claim(a, 60_000);
        const id = await places.joinRollup(a, '#alerts', 'P3');
        await drainAll(outbox);
        await places.saveMessage(a, { channel: 'C1', ts: '2.2' }, 1);
        expect(await places.get(a)).toMatchObject({ kind: 'message' });
        expect((await places.getRollup(id))!.members).toEqual([]);
        expect(await outbox.take(60_000)).toMatchObject({ target: { kind: 'rollup', id } });
      });
    });

    describe('outbox', () => {
      test('a change queues one coalesced job; take leases it', async () => {
        const key = newGroupKey();
        await store.mutateGroup(key, addAlert(key));
        await store.mutateGroup(key, addAlert(key));
        const id = (await store.mutateGroup(key, addAlert(key)))!.group.id;

        const job = await outbox.take(60_000);
        expect(job).toEqual({
          target: { kind: 'group', id },
          seq: expect.any(Number),
          attempts: 1,
          priority: 'P2',
          firstPost: true,
        });
        expect(await outbox.take(60_000)).toBeNull();
      });

      test('most pressing first: priority, then first posts before updates, then oldest', async () => {
        const p2update = await createRouted(store, { priority: 'P2' });
        await places.claim(p2update, 60_000);
        await places.saveMessage(p2update, { channel: 'C1', ts: '1.1' }, 0);
        await drainAll(outbox);
        const p3 = await createRouted(store, { priority: 'P3' });
        const key = (await store.getGroup(p2update))!.groupKey;
        await store.mutateGroup(key, addAlert(key));
        const p2new = await createRouted(store, { priority: 'P2' });
        const p4 = await createRouted(store, { priority: 'P4' });
        const p1 = await createRouted(store, { priority: 'P1' });
        const order: string[] = [];
        for (let job = await outbox.take(60_000); job; job = await outbox.take(60_000))
          order.push(job.target.id);
        expect(order).toEqual([p1, p2new, p2update, p3, p4]);
      });

      test('a job re-queued while leased waits for the lease holder, then is due at once', async () => {
        const key = newGroupKey();
        await store.mutateGroup(key, addAlert(key));
        const old = await outbox.take(60_000);
        await store.mutateGroup(key, addAlert(key));
        expect(await outbox.take(60_000)).toBeNull(); // never two workers on one message
        await outbox.complete(old!);

        const next = await outbox.take(60_000);
        expect(next).toMatchObject({ target: old!.target, attempts: 1 });
        expect(next!.seq).toBeGreaterThan(old!.seq);
      });

      test('an expired lease makes the job due again with attempts counted', async () => {
        const id = await createGroup(store);
        const first = await outbox.take(300);
        expect(await outbox.take(300)).toBeNull();
        await sleep(450);
        expect(await outbox.take(300)).toMatchObject({
          target: { kind: 'group', id },
          seq: first!.seq,
          attempts: 2,
        });
      });

      test('complete removes the job when its seq is unchanged; a late duplicate completion is harmless', async () => {
        const key = newGroupKey();
        await store.mutateGroup(key, addAlert(key));
        const first = await outbox.take(60_000);
        await outbox.complete(first!);
        expect(await outbox.take(60_000)).toBeNull();
        await store.mutateGroup(key, addAlert(key));
        const second = await outbox.take(60_000);
        await outbox.complete(first!);
        expect(second!.seq).toBeGreaterThan(first!.seq);
        expect(await outbox.take(60_000)).toBeNull();
      });

      test('retry keeps the attempt; postpone gives it back; both wait their delay', async () => {
        const clock = manualClock();
        const clocked = createSqlOutbox(db, clock);
        await createGroup(createSqlAlertStore(db, clock));
        const job = await clocked.take(60_000);
        await clocked.retry(job!, 5_000);
        clock.advance(4_999);
        expect(await clocked.take(60_000)).toBeNull();
        clock.advance(1);
        const again = await clocked.take(60_000);
        expect(again).toMatchObject({ attempts: 2 });
        await clocked.postpone(again!, 1_000);
        clock.advance(1_000);
        expect(await clocked.take(60_000)).toMatchObject({ attempts: 2 });
      });

      test('first-post backlog per channel counts groups below P1 not yet shown', async () => {
        await createRouted(store, { priority: 'P2', channel: '#a' });
        await createRouted(store, { priority: 'P3', channel: '#a' });
        await createRouted(store, { priority: 'P1', channel: '#a' });
        await createRouted(store, { priority: 'P3', channel: '#b' });
        expect(await outbox.firstPostBacklog('#a')).toBe(2);
        expect(await outbox.firstPostBacklog('#b')).toBe(1);
      });

      test('concurrent takers never get the same job (SKIP LOCKED)', async () => {
        const ids = [await createGroup(store), await createGroup(store), await createGroup(store)];
        const pair = await Promise.all([outbox.take(60_000), outbox.take(60_000)]);
        expect(pair.every((j) => j !== null)).toBe(true);
        expect(new Set(pair.map((j) => j!.target.id)).size).toBe(2);
        const rest = await Promise.all(Array.from({ length: 8 }, () => outbox.take(60_000)));
        const taken = [...pair, ...rest].filter((j) => j !== null).map((j) => j!.target.id);
        expect(taken.sort()).toEqual([...ids].sort());
      });
    });
  });
}

async function drainAll(outbox: Outbox): Promise<void> {
  for (let job = await outbox.take(60_000); job; job = await outbox.take(60_000)) await outbox.complete(job);
}
