import { alertnameOf, countByStatus, groupIdOf } from '../../src/domain/group';
import type { AlertStore, AuditLog, Outbox } from '../../src/ports';
import type { Db } from '../../src/store/db';
import { createSqlAlertStore } from '../../src/store/sql-alert-store';
import { createSqlAuditLog } from '../../src/store/sql-audit-log';
import { createSqlOutbox } from '../../src/store/sql-outbox';
import { sampleAlert, sampleGroup } from '../fakes/alert-group';
import { addAlert, newGroupKey, resetAlertState } from './alert-store.fixtures';

/** AlertStore group state: mutateGroup, getGroup, listGroups. `openDb` returns a migrated, private database. */
export function alertStoreContract(name: string, openDb: () => Promise<Db>): void {
  describe(`AlertStore groups contract (${name})`, () => {
    let db: Db;
    let store: AlertStore;
    let outbox: Outbox;
    let audit: AuditLog;

    beforeAll(async () => {
      db = await openDb();
      store = createSqlAlertStore(db);
      outbox = createSqlOutbox(db);
      audit = createSqlAuditLog(db, { onError: (err) => console.error(err) });
    });
    afterAll(() => db?.close());
    beforeEach(() => resetAlertState(db));

    const jobSeq = async () => {
      const job = await outbox.take(1);
      if (job) await outbox.complete(job);
      return job?.seq ?? null;
    };

    test('applyPlanned writes a change planned at the current version, and refuses a stale plan', async () => {
      const key = newGroupKey();
      const change = addAlert(key)(null);
      expect(await store.applyPlanned(key, null, change)).toEqual({ groupId: groupIdOf(key), changed: true });
      expect(await store.applyPlanned(key, null, change)).toBe('stale'); // it is at version 1 now
      const v1 = (await store.getGroup(groupIdOf(key)))!;
      const many = sampleGroup(key, {
        alerts: Array.from({ length: 2_500 }, (_, i) => sampleAlert(`fp${i}`)),
      });
      expect(await store.applyPlanned(key, v1, { next: many, audit: [] })).toMatchObject({ changed: true });
      expect(await store.applyPlanned(key, v1, { next: many, audit: [] })).toBe('stale');
      const v2 = (await store.getGroup(groupIdOf(key)))!;
      expect(await store.applyPlanned(key, v2, null)).toEqual({ groupId: groupIdOf(key), changed: false });
      expect(v2.version).toBe(2);
      expect(v2.alerts).toEqual(many.alerts); // written in batches, read back whole
    });

    test('a change writes the alerts it changed and keeps the order of the next state', async () => {
      const key = newGroupKey();
      const alerts = Array.from({ length: 1_200 }, (_, i) => sampleAlert(`fp${i}`));
      await store.applyPlanned(key, null, { next: sampleGroup(key, { alerts }), audit: [] });
      const v1 = (await store.getGroup(groupIdOf(key)))!;
      // one resolved in place, one gone, one new at the end, and two swapped
      const next = [...v1.alerts];
      next[5] = sampleAlert('fp5', 'resolved');
      next.splice(7, 1);
      next.push(sampleAlert('new'));
      [next[0], next[1]] = [next[1]!, next[0]!];
      await store.applyPlanned(key, v1, { next: { ...v1, alerts: next }, audit: [] });
      expect((await store.getGroup(groupIdOf(key)))!.alerts).toEqual(next);
      const res = await store.mutateGroup(key, (cur) => ({
        next: { ...cur!, alerts: cur!.alerts.slice(0, 3).reverse() },
        audit: [],
      }));
      expect((await store.getGroup(groupIdOf(key)))!.alerts).toEqual(res!.group.alerts);
      expect(res!.group.alerts.map((a) => a.fingerprint)).toEqual(['fp2', 'fp0', 'fp1']);
    });

    test('getGroupToShow: the first alerts in display order and what all of them come to', async () => {
      const key = newGroupKey();
      const alerts = [
        sampleAlert('r0', 'resolved'),
        ...Array.from({ length: 30 }, (_, i) => ({
          ...sampleAlert(`f${i}`),
          generatorURL: `http://p/${i % 2}`,
        })),
      ];
      const next = sampleGroup(key, { alerts, prunedResolved: 4, commonLabels: {}, groupLabels: {} });
      await store.mutateGroup(key, () => ({ next, audit: [] }));
      const shown = (await store.getGroupToShow(groupIdOf(key), 3))!;
      const { alerts: _, ...rest } = { ...next, version: 1 };
      expect(shown).toMatchObject(rest);
      expect(shown.alerts.map((a) => a.fingerprint)).toEqual(['f0', 'f1', 'f2']);
      expect(shown.allAlerts).toEqual({
        count: 31,
        firing: 30,
        labels: { alertname: 'HighLatency' },
        annotations: { summary: 'p99 above 2s' },
        generatorURL: null,
        first: { alertname: 'HighLatency', summary: 'p99 above 2s' },
      });
      expect(countByStatus(shown)).toEqual({ firing: 30, resolved: 5 });
      expect(alertnameOf(shown)).toBe('HighLatency');
      expect((await store.getGroupToShow(groupIdOf(key), 0))!.alerts).toEqual([]);
      expect((await store.listGroups())[0]!.allAlerts).toEqual(shown.allAlerts);
      expect(await store.getGroupToShow('0123456789abcdef01234567', 3)).toBeNull();
      // a group read for showing is not a state to save: it would lose the alerts not shown
      await expect(store.mutateGroup(key, () => ({ next: shown, audit: [] }))).rejects.toThrow(/for showing/);
    });

    test('firingAlertLabels: the labels of the firing alerts only, page by page in the group order', async () => {
      const key = newGroupKey();
      const alerts = Array.from({ length: 7 }, (_, i) =>
        sampleAlert(`f${i}`, i % 3 === 1 ? 'resolved' : 'firing'),
      );
      await store.mutateGroup(key, () => ({ next: sampleGroup(key, { alerts }), audit: [] }));
      const id = groupIdOf(key);
      const fps = (page: { labels: Record<string, string>[] }) => page.labels.map((l) => l.fingerprint);

      const first = await store.firingAlertLabels(id, null, 2);
      expect(first.labels[0]).toEqual({ alertname: 'HighLatency', fingerprint: 'f0' });
      expect(fps(first)).toEqual(['f0', 'f2']);
      const second = await store.firingAlertLabels(id, first.next, 2);
      expect(fps(second)).toEqual(['f3', 'f5']);
      const last = await store.firingAlertLabels(id, second.next, 2);
      expect(last).toEqual({ labels: [expect.objectContaining({ fingerprint: 'f6' })], next: null });
      expect(fps(await store.firingAlertLabels(id, null, 1_000_000))).toEqual(['f0', 'f2', 'f3', 'f5', 'f6']);
      expect(await store.firingAlertLabels('0123456789abcdef01234567', null, 10)).toEqual({
        labels: [],
        next: null,
      });
    });

    test('creates a group at version 1 under groupIdOf(groupKey)', async () => {
      const key = newGroupKey();
      const res = await store.mutateGroup(key, () => ({
        next: sampleGroup(key, { version: 42 }),
        audit: [],
      }));
      expect(res).toEqual({ group: { ...sampleGroup(key), version: 1 }, changed: true });
      expect(res!.group.id).toBe(groupIdOf(key));
      expect(await store.getGroup(groupIdOf(key))).toEqual(res!.group);
    });

    test('passes the current state to decide and saves the change at version + 1', async () => {
      const key = newGroupKey();
      await store.mutateGroup(key, addAlert(key));
      const seen: unknown[] = [];
      const res = await store.mutateGroup(key, (current) => {
        seen.push(current);
        return {
          next: { ...current!, status: 'resolved', alerts: [sampleAlert('fp1', 'resolved')] },
          audit: [],
        };
      });
      expect(seen).toEqual([{ ...sampleGroup(key), version: 1 }]);
      expect(res).toEqual({
        group: {
          ...sampleGroup(key),
          status: 'resolved',
          alerts: [sampleAlert('fp1', 'resolved')],
          version: 2,
        },
        changed: true,
      });
      expect(await store.getGroup(groupIdOf(key))).toEqual(res!.group);
    });

    test('a null decision changes nothing: no version bump, no audit row, no render job', async () => {
      const key = newGroupKey();
      const created = await store.mutateGroup(key, addAlert(key));
      const seqBefore = await jobSeq();
      await audit.flush();

      const res = await store.mutateGroup(key, () => null);

      expect(res).toEqual({ group: created!.group, changed: false });
      expect((await store.getGroup(created!.group.id))!.version).toBe(1);
      expect(await audit.list({ subject: key })).toHaveLength(1);
      expect(seqBefore).not.toBeNull();
      expect(await jobSeq()).toBeNull();
    });

    test('a null decision for an unknown group returns null and creates nothing', async () => {
      const key = newGroupKey();
      expect(await store.mutateGroup(key, () => null)).toBeNull();
      expect(await store.getGroup(groupIdOf(key))).toBeNull();
    });

    test('writes the audit rows of a change, in order, with the state', async () => {
      const key = newGroupKey();
      await store.mutateGroup(key, () => ({
        next: sampleGroup(key),
        audit: [
          { actor: 'alertmanager', action: 'alert.received', subject: key, details: { alerts: 1 } },
          { actor: 'mogo', action: 'alert.routed', subject: key, details: { priority: 'P2' } },
        ],
      }));
      const rows = await audit.list({ subject: key });
      expect(rows.map((r) => [r.actor, r.action, r.details])).toEqual([
        ['mogo', 'alert.routed', { priority: 'P2' }],
        ['alertmanager', 'alert.received', { alerts: 1 }],
      ]);
    });

    test('a throwing decide rolls everything back', async () => {
      const key = newGroupKey();
      await store.mutateGroup(key, addAlert(key));
      await jobSeq();
      await expect(
        store.mutateGroup(key, () => {
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect((await store.getGroup(groupIdOf(key)))!.version).toBe(1);
      expect(await audit.list({ subject: key })).toHaveLength(1);
      expect(await jobSeq()).toBeNull();
    });

    test('a failing audit write rolls back the state change it explains', async () => {
      const key = newGroupKey();
      await store.mutateGroup(key, addAlert(key));
      await jobSeq();
      const bad = { actor: null as unknown as string, action: 'alert.received', subject: key };
      await expect(
        store.mutateGroup(key, (cur) => ({ next: { ...cur!, status: 'resolved' }, audit: [bad] })),
      ).rejects.toThrow();
      const group = await store.getGroup(groupIdOf(key));
      expect([group!.version, group!.status]).toEqual([1, 'firing']);
      expect(await audit.list({ subject: key })).toHaveLength(1);
      expect(await jobSeq()).toBeNull();
    });

    test('10 concurrent mutations of a new group: one create, versions 1..10, no lost update', async () => {
      const key = newGroupKey();
      const results = await Promise.all(
        Array.from({ length: 10 }, () => store.mutateGroup(key, addAlert(key))),
      );

      expect(results.map((r) => r!.group.version).sort((a, b) => a - b)).toEqual([
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
      ]);
      const group = await store.getGroup(groupIdOf(key));
      expect(group!.version).toBe(10);
      expect(group!.alerts.map((a) => a.fingerprint)).toEqual(
        Array.from({ length: 10 }, (_, i) => `fp${i + 1}`),
      );
      const actions = (await audit.list({ subject: key })).map((r) => r.action);
      expect(actions.filter((a) => a === 'group.created')).toHaveLength(1);
      expect(actions.filter((a) => a === 'group.updated')).toHaveLength(9);
    });

    test('concurrent mutations of different groups do not block each other', async () => {
      const keys = Array.from({ length: 5 }, newGroupKey);
      await Promise.all(
        keys.flatMap((k) => [store.mutateGroup(k, addAlert(k)), store.mutateGroup(k, addAlert(k))]),
      );
      for (const k of keys) expect((await store.getGroup(groupIdOf(k)))!.version).toBe(2);
    });

    test('listGroups filters by status, newest change first, honours limit', async () => {
      const [a, b, c] = [newGroupKey(), newGroupKey(), newGroupKey()];
      await store.mutateGroup(a, addAlert(a));
      await store.mutateGroup(b, () => ({ next: sampleGroup(b, { status: 'resolved' }), audit: [] }));
      await store.mutateGroup(c, addAlert(c));
      await store.mutateGroup(a, addAlert(a));

      expect((await store.listGroups()).map((g) => g.groupKey)).toEqual([a, c, b]);
      expect((await store.listGroups({ status: 'firing' })).map((g) => g.groupKey)).toEqual([a, c]);
      expect((await store.listGroups({ status: 'resolved' })).map((g) => g.version)).toEqual([1]);
      expect((await store.listGroups({ limit: 1 })).map((g) => g.groupKey)).toEqual([a]);
    });

    test('getGroup of an unknown id is null', async () => {
      expect(await store.getGroup('0123456789abcdef01234567')).toBeNull();
    });
  });
}
