import { randomUUID } from 'node:crypto';
import type { AuditLog, IncidentStore, NewIncident } from '../../src/ports';
import type { Db } from '../../src/store/db';
import { createSqlAuditLog } from '../../src/store/sql-audit-log';
import { createSqlIncidentStore } from '../../src/store/sql-incident-store';
import { pendingSteps } from '../helpers/incident-steps';

const newIncident = (over: Partial<NewIncident> = {}): NewIncident => ({
  id: randomUUID(),
  title: 'Checkout is slow',
  severity: 'SEV2',
  mode: 'channel',
  private: false,
  lead: 'ULEAD',
  declaredBy: 'UALICE',
  groupIds: [],
  thread: null,
  steps: ['create_channel', 'set_topic', 'invite'],
  ...over,
});
const audited = (n: NewIncident) => [
  { actor: n.declaredBy, action: 'incident.declared', subject: `incident:${n.id}` },
];
const at = (s: number) => new Date(Date.UTC(2026, 11, 4, 10, 0, s));

/** IncidentStore: one incident per set of alert groups, idempotent timeline, set-up steps in order. */
export function incidentStoreContract(name: string, openDb: () => Promise<Db>): void {
  describe(`IncidentStore contract (${name})`, () => {
    let db: Db;
    let store: IncidentStore;
    let audit: AuditLog;

    beforeAll(async () => {
      db = await openDb();
      store = createSqlIncidentStore(db);
      audit = createSqlAuditLog(db, { onError: (err) => console.error(err) });
    });
    afterAll(() => db?.close());
    beforeEach(() =>
      db.query(
        'TRUNCATE incident_steps, incident_followups, incident_timeline, incident_roles, incident_groups, incidents',
      ),
    );

    test('numbers run without gaps: concurrent declares take 1..n, a declare that rolls back takes none', async () => {
      const many = Array.from({ length: 5 }, (_, i) => newIncident({ groupIds: [`n${i}`] }));
      const res = await Promise.all(many.map((n) => store.declare(n, audited(n))));
      const numbers = res.map((r) => (r.kind === 'declared' ? r.incident.number : 0));
      expect([...numbers].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5]);

      const bad = newIncident();
      // an audit row the database refuses: the whole declare rolls back
      await expect(
        store.declare(bad, [{ actor: null as unknown as string, action: 'incident.declared', subject: 'x' }]),
      ).rejects.toThrow();
      const next = newIncident();
      const after = await store.declare(next, audited(next));
      expect(after.kind === 'declared' && after.incident.number).toBe(6);
    });

    test('declare numbers incidents, records the lead, the links, a timeline entry, steps and audit rows', async () => {
      const a = newIncident({ groupIds: ['g1', 'g2'] });
      const res = await store.declare(a, audited(a));
      const b = newIncident();
      const res2 = await store.declare(b, audited(b));

      expect(res).toMatchObject({ kind: 'declared', alreadyLinked: [] });
      if (res.kind !== 'declared' || res2.kind !== 'declared') throw new Error('not declared');
      expect(res2.incident.number).toBe(res.incident.number + 1);
      expect(res.incident).toMatchObject({
        status: 'investigating',
        roles: { lead: 'ULEAD' },
        groupIds: ['g1', 'g2'],
      });
      expect((await store.timeline(a.id)).map((e) => e.kind)).toEqual(['declared']);
      expect(await pendingSteps(db, a.id)).toEqual(['create_channel', 'set_topic', 'invite']);
      expect(await audit.list({ subject: `incident:${a.id}` })).toEqual([
        expect.objectContaining({ action: 'incident.declared', details: { number: res.incident.number } }),
      ]);
    });

    test('declaring again from groups already in an open incident creates nothing, even concurrently', async () => {
      const results = await Promise.all(
        Array.from({ length: 5 }, () => newIncident({ groupIds: ['g1', 'g2'] })).map((n) =>
          store.declare(n, audited(n)),
        ),
      );
      const declared = results.filter((r) => r.kind === 'declared');
      expect(declared).toHaveLength(1);
      const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM incidents');
      expect(rows[0]!.n).toBe(1);
      expect(results.every((r) => r.incident.id === declared[0]!.incident.id)).toBe(true);
      expect((await store.findOpenByGroup('g2'))?.id).toBe(declared[0]!.incident.id);

      // a new group with an old one: the new incident takes only the new group
      const c = newIncident({ groupIds: ['g2', 'g3'] });
      const res = await store.declare(c, audited(c));
      expect(res).toMatchObject({ kind: 'declared', alreadyLinked: ['g2'], incident: { groupIds: ['g3'] } });
    });

    test('update applies a change with its timeline under the row lock; lifecycle times are stamped', async () => {
      const n = newIncident();
      await store.declare(n, audited(n));
      const res = await store.update(n.id, () => ({
        patch: { status: 'monitoring', roles: { comms: 'UCOMMS' }, updated: true },
        timeline: [{ kind: 'status', at: at(5), author: 'ULEAD', text: 'monitoring', sourceRef: null }],
        audit: [{ actor: 'ULEAD', action: 'incident.status_changed', subject: `incident:${n.id}` }],
      }));
      expect(res?.changed).toBe(true);
      expect(res?.incident).toMatchObject({
        status: 'monitoring',
        roles: { lead: 'ULEAD', comms: 'UCOMMS' },
      });
      expect(res?.incident.mitigatedAt).toBeInstanceOf(Date);
      const resolved = await store.update(n.id, () => ({
        patch: { status: 'resolved', roles: { comms: null } },
      }));
      expect(resolved?.incident.resolvedAt).toBeInstanceOf(Date);
      expect(resolved?.incident.roles).toEqual({ lead: 'ULEAD' });
      expect(await store.update(n.id, () => null)).toMatchObject({ changed: false });
      const closed = await store.update(n.id, () => ({ patch: { status: 'closed' } }));
      expect(closed?.incident.closedAt).toBeInstanceOf(Date);
      expect(await store.findOpenByGroup('none')).toBeNull();
      expect((await store.listOpen()).map((o) => o.incident.id)).not.toContain(n.id);
    });

    test('a timeline entry with a source ref is recorded once; entries sort by their own time', async () => {
      const n = newIncident();
      await store.declare(n, audited(n));
      const pinned = {
        kind: 'message' as const,
        at: at(-30),
        author: 'UBOB',
        text: 'restarted db',
        sourceRef: 'reaction:C1:1.1',
      };
      expect(await store.addTimeline(n.id, [pinned])).toBe(1);
      expect(await store.addTimeline(n.id, [pinned, { ...pinned, sourceRef: null, text: 'note' }])).toBe(1);
      const entries = await store.timeline(n.id);
      // the note was given the pinned message's time too; the declaration happened later (now)
      expect(entries.map((e) => e.text)).toEqual(['restarted db', 'note', 'SEV2 declared: Checkout is slow']);
      expect(entries[0]).toEqual(pinned);
    });

    test('channel lookups, follow-ups, and a group linked once and to one open incident', async () => {
      const n = newIncident({ mode: 'thread', thread: { channel: 'CALERTS', ts: '1.5' } });
      await store.declare(n, audited(n));
      expect((await store.findByChannel('CALERTS', '1.5'))?.id).toBe(n.id);
      expect(await store.findByChannel('CALERTS')).toBeNull();
      await store.update(n.id, () => ({ patch: { channelName: 'x' } }));
      await store.addFollowUp(n.id, { text: 'add an alert on queue depth', author: 'ULEAD', at: at(1) });
      expect(await store.followUps(n.id)).toEqual([
        { text: 'add an alert on queue depth', author: 'ULEAD', at: at(1) },
      ]);
      const linked = newIncident({ groupIds: ['g7', 'g7', 'g8'] });
      await store.declare(linked, audited(linked));
      expect((await store.getByNumber((await store.get(linked.id))!.number))?.groupIds).toEqual(['g7', 'g8']);
      const again = newIncident({ groupIds: ['g7', 'g9'] });
      expect(await store.declare(again, audited(again))).toMatchObject({
        kind: 'declared',
        alreadyLinked: ['g7'],
      });
      expect((await store.get(again.id))?.groupIds).toEqual(['g9']);
    });

    test('steps run in order, one lease at a time; postponed steps wait; completion applies the change', async () => {
      const n = newIncident();
      await store.declare(n, audited(n));
      const first = await store.takeStep(10_000);
      expect(first).toMatchObject({ incidentId: n.id, step: 'create_channel', attempts: 1 });
      expect(await store.takeStep(10_000)).toBeNull(); // leased, and later steps wait for it
      await store.recordStep(first!, { tried: ['inc-1-x'] });
      await store.postponeStep(first!, 60_000, 'ratelimited');
      expect(await store.takeStep(10_000)).toBeNull();
      await db.query('UPDATE incident_steps SET due_at = now() WHERE step = $1', ['create_channel']);
      const again = await store.takeStep(10_000);
      expect(again).toMatchObject({ step: 'create_channel', attempts: 2, result: { tried: ['inc-1-x'] } });
      await store.postponeStep(again!, 0, 'held back for the budget', { waitOnly: true });
      const third = await store.takeStep(10_000);
      expect(third?.attempts).toBe(2); // a wait for Slack's budget is not a failed try

      expect(
        await store.completeStep(
          again!,
          { channel: 'C9' },
          { patch: { channelId: 'C9', channelName: 'inc-1-x' } },
        ),
      ).toBe(true);
      expect(await store.completeStep(third!, {})).toBe(false); // a second worker finishing it changes nothing
      expect((await store.get(n.id))?.channelId).toBe('C9');
      expect((await store.takeStep(10_000))?.step).toBe('set_topic');
      expect(await pendingSteps(db, n.id)).toEqual(['set_topic', 'invite']);

      // a lease that ran out (a killed worker) is handed out again
      await db.query(
        `UPDATE incident_steps SET leased_until = now() - interval '1 second' WHERE step = 'set_topic'`,
      );
      expect(await store.takeStep(10_000)).toMatchObject({ step: 'set_topic', attempts: 2 });

      await store.scheduleSteps(n.id, [
        { step: 'archive', seq: 200, dueAt: new Date(Date.now() + 3_600_000) },
      ]);
      expect(await pendingSteps(db, n.id)).toEqual(['set_topic', 'invite', 'archive']);
    });
  });
}
