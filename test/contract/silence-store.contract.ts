import type { AuditLog, SilenceStore } from '../../src/ports';
import type { Db } from '../../src/store/db';
import { createSqlAlertStore } from '../../src/store/sql-alert-store';
import { createSqlAuditLog } from '../../src/store/sql-audit-log';
import { createSqlLeases } from '../../src/store/sql-leases';
import { createSqlSilenceStore } from '../../src/store/sql-silence-store';
import { sampleGroup } from '../fakes/alert-group';
import { manualClock } from '../fakes/clock';
import { newGroupKey } from './alert-store.fixtures';
import { leasesContract } from './leases.contract';

const T0 = new Date('2026-05-01T09:00:00.000Z');
const HOUR = 3600_000;

/**
 * SilenceStore: records commit with their audit rows and a re-render; one end wins. The SQL Leases, which the
 * silence poller takes, run the leases contract on the same database.
 */
export function silenceStoreContract(name: string, openDb: () => Promise<Db>): void {
  describe(`SilenceStore and Leases contract (${name})`, () => {
    let db: Db;
    let store: SilenceStore;
    let audit: AuditLog & { close(): Promise<void> };
    const clock = manualClock(T0);
    let n = 0;

    beforeAll(async () => {
      db = await openDb();
      store = createSqlSilenceStore(db, clock);
      audit = createSqlAuditLog(db, { flushIntervalMs: 10, onError: () => {} });
    });
    afterAll(async () => {
      await audit?.close();
      await db?.close();
    });

    leasesContract(`SQL on ${name}`, async (c) => createSqlLeases(db, c));

    async function newGroup() {
      const key = newGroupKey();
      const r = await createSqlAlertStore(db, clock).mutateGroup(key, () => ({
        next: sampleGroup(key),
        audit: [],
      }));
      return r!.group;
    }
    const silence = (groupId: string, over = {}) => ({
      id: `sil-${name}-${++n}`,
      groupId,
      scope: 'group' as const,
      fingerprint: null,
      matchers: [{ name: 'alertname', value: 'HighLatency', isRegex: false, isEqual: true }],
      createdBy: 'UALICE',
      createdByName: 'alice',
      comment: 'disk swap',
      startsAt: clock.now(),
      endsAt: new Date(clock.now().getTime() + HOUR),
      ...over,
    });
    const version = async (groupId: string) =>
      (await db.query<{ version: number }>('SELECT version FROM alert_groups WHERE id = $1', [groupId]))
        .rows[0]!.version;

    test('a recorded silence is active for its group, with its audit row and a new group version', async () => {
      const g = await newGroup();
      const before = await version(g.id);
      const s = silence(g.id);
      const rec = await store.record(s, [
        { actor: 'UALICE', action: 'alert.silenced', subject: `group:${g.id}` },
      ]);
      expect(rec).toMatchObject({ ...s, state: 'active', endedAt: null, endedBy: null, checkedAt: null });
      expect(await store.activeForGroup(g.id)).toEqual([rec]);
      expect(await store.get(s.id)).toEqual(rec);
      expect(await version(g.id)).toBe(before + 1);
      expect((await audit.list({ subject: `group:${g.id}`, action: 'alert.silenced' })).length).toBe(1);
    });

    test('ending is once: the second end of the same silence writes nothing', async () => {
      const g = await newGroup();
      const s = silence(g.id);
      await store.record(s, []);
      const ends = await Promise.all([
        store.end(s.id, 'unsilenced', 'UBOB', [
          { actor: 'UBOB', action: 'alert.unsilenced', subject: `group:${g.id}` },
        ]),
        store.end(s.id, 'removed', null, [
          { actor: 'alertmanager', action: 'alert.unsilenced', subject: `group:${g.id}` },
        ]),
      ]);
      expect(ends.filter((e) => e !== null)).toHaveLength(1);
      expect(await store.activeForGroup(g.id)).toEqual([]);
      expect((await audit.list({ subject: `group:${g.id}`, action: 'alert.unsilenced' })).length).toBe(1);
    });

    test('the poller takes the least recently checked active silences and marks them checked', async () => {
      await db.query("UPDATE silences SET state = 'expired' WHERE state = 'active'");
      const g = await newGroup();
      const a = silence(g.id);
      const b = silence(g.id);
      await store.record(a, []);
      await store.record(b, []);
      expect(await store.countActive()).toBe(2);
      const first = await store.takeDueForCheck(1);
      expect(first).toHaveLength(1);
      expect(first[0]!.checkedAt).toEqual(clock.now());
      clock.advance(1000);
      const second = await store.takeDueForCheck(1);
      expect(second[0]!.id).not.toBe(first[0]!.id);
    });
  });
}
