import type { AlertGroup } from '../../src/domain/group';
import type { AlertStore, DigestStore } from '../../src/ports';
import type { Db } from '../../src/store/db';
import { createSqlAlertStore } from '../../src/store/sql-alert-store';
import { createSqlDigestStore } from '../../src/store/sql-digest-store';
import { createSqlPlacements } from '../../src/store/sql-placements';
import { sampleAlert, sampleGroup } from '../fakes/alert-group';
import { manualClock } from '../fakes/clock';
import { newGroupKey } from './alert-store.fixtures';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const T0 = new Date('2026-05-01T09:00:00.000Z');

/** DigestStore: exactly-once claims per (channel, period), and which groups a channel's digest lists. */
export function digestStoreContract(name: string, openDb: () => Promise<Db>): void {
  describe(`DigestStore contract (${name})`, () => {
    let db: Db;
    let digests: DigestStore;
    let alerts: AlertStore;
    const clock = manualClock(T0);

    beforeAll(async () => {
      db = await openDb();
      digests = createSqlDigestStore(db, clock);
      alerts = createSqlAlertStore(db, clock);
    });
    afterAll(() => db?.close());
    beforeEach(() => db.query('TRUNCATE digests, outbox, group_messages, rollups, alert_groups'));

    /** Records a group changed at `at` (the alert store stamps updated_at with the clock). */
    async function groupAt(
      at: Date,
      over: Partial<AlertGroup> & { channel?: string; notify?: boolean } = {},
    ) {
      const { channel = '#alerts', notify = false, ...rest } = over;
      const key = newGroupKey();
      clock.advance(at.getTime() - clock.now().getTime());
      const res = await alerts.mutateGroup(key, () => ({
        next: sampleGroup(key, {
          routing: { priority: 'P4', score: 10, channel, mentions: [], notify, matched: [] },
          ...rest,
        }),
        audit: [],
      }));
      return res!.group.id;
    }
    const list = (period: Date, limit = 20) =>
      digests.listCandidates(period, { firstLookbackMs: DAY, limit });
    const ids = async (period: Date, channel = '#alerts') =>
      (await list(period)).find((c) => c.channel === channel)?.groups.map((g) => g.id) ?? [];

    test('lists digest-only groups changed in the first lookback, per channel, and nothing else', async () => {
      const a = await groupAt(new Date(T0.getTime() - 2 * HOUR));
      const b = await groupAt(new Date(T0.getTime() - HOUR), { channel: '#other' });
      await groupAt(new Date(T0.getTime() - HOUR), { notify: true }); // posted on its own
      await groupAt(new Date(T0.getTime() - DAY - 1)); // older than the first lookback
      await groupAt(new Date(T0.getTime() + 1)); // after the period started: the next digest's
      const posted = await groupAt(new Date(T0.getTime() - HOUR)); // has its own Slack message
      await createSqlPlacements(db, clock).saveMessage(posted, { channel: '#alerts', ts: '1.1' }, 1);

      const res = await list(T0);

      expect(res).toEqual([
        {
          channel: '#alerts',
          since: new Date(T0.getTime() - DAY),
          total: 1,
          groups: [expect.objectContaining({ id: a })],
        },
        {
          channel: '#other',
          since: new Date(T0.getTime() - DAY),
          total: 1,
          groups: [expect.objectContaining({ id: b })],
        },
      ]);
      expect(res[0]!.groups[0]!.routing.notify).toBe(false);
    });

    test("since is the channel's previous posted digest; an unposted claim does not count", async () => {
      const previous = new Date(T0.getTime() - 6 * HOUR);
      expect(await digests.claim('#alerts', previous, 60_000)).toBe(true);
      await digests.complete('#alerts', previous, { channel: '#alerts', ts: '9.9' }, 3);
      expect(await digests.claim('#alerts', new Date(T0.getTime() - HOUR), 60_000)).toBe(true); // never posted
      await groupAt(new Date(previous.getTime() - 1)); // reported by the previous digest
      const fresh = await groupAt(new Date(previous.getTime() + 1));
      const other = await groupAt(new Date(previous.getTime() - 1), { channel: '#other' }); // other channel: 24 h

      const res = await list(T0);

      expect(res.map((c) => [c.channel, c.since])).toEqual([
        ['#alerts', previous],
        ['#other', new Date(T0.getTime() - DAY)],
      ]);
      expect(await ids(T0)).toEqual([fresh]);
      expect(await ids(T0, '#other')).toEqual([other]);
    });

    test('ranks firing before resolved, then priority, newest first; limit keeps the total', async () => {
      const resolved = await groupAt(new Date(T0.getTime() - 3 * HOUR), {
        status: 'resolved',
        alerts: [sampleAlert('fp1', 'resolved')],
      });
      const older = await groupAt(new Date(T0.getTime() - 2 * HOUR));
      const newer = await groupAt(new Date(T0.getTime() - HOUR));

      expect(await ids(T0)).toEqual([newer, older, resolved]);
      const limited = await list(T0, 2);
      expect(limited[0]).toMatchObject({ total: 3 });
      expect(limited[0]!.groups.map((g) => g.id)).toEqual([newer, older]);
    });

    test('exactly one of many concurrent claims of a (channel, period) wins', async () => {
      const results = await Promise.all(
        Array.from({ length: 12 }, () => digests.claim('#alerts', T0, 60_000)),
      );

      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await digests.claim('#other', T0, 60_000)).toBe(true); // another channel
      expect(await digests.claim('#alerts', new Date(T0.getTime() + 60_000), 60_000)).toBe(true); // next period
    });

    test('a released claim can be taken again; a completed one never', async () => {
      expect(await digests.claim('#alerts', T0, 60_000)).toBe(true);
      await digests.release('#alerts', T0);
      expect(await digests.claim('#alerts', T0, 60_000)).toBe(true);
      await digests.complete('#alerts', T0, { channel: '#alerts', ts: '1.2' }, 1);
      await digests.release('#alerts', T0);
      clock.advance(DAY);

      expect(await digests.claim('#alerts', T0, 60_000)).toBe(false);
      const { rows } = await db.query<{ ts: string; group_count: number }>(
        'SELECT ts, group_count FROM digests WHERE channel = $1',
        ['#alerts'],
      );
      expect(rows).toEqual([{ ts: '1.2', group_count: 1 }]);
    });

    test('a claim never completed (crash mid-post) can be taken again once stale', async () => {
      expect(await digests.claim('#alerts', T0, 60_000)).toBe(true);
      clock.advance(30_000);
      expect(await digests.claim('#alerts', T0, 60_000)).toBe(false);
      clock.advance(30_000);
      expect(await digests.claim('#alerts', T0, 60_000)).toBe(true);
    });
  });
}
