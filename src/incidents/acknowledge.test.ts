import { sampleGroup } from '../../test/fakes/alert-group';
import { manualClock } from '../../test/fakes/clock';
import { openPglite } from '../../test/helpers/services';
import type { AlertStore } from '../ports';
import type { Db } from '../store/db';
import { createSqlAlertStore } from '../store/sql-alert-store';
import { acknowledgeGroup, unacknowledgeGroup } from './acknowledge';

describe('acknowledgeGroup / unacknowledgeGroup (alert store on PGlite)', () => {
  let db: Db;
  let alerts: AlertStore;
  const clock = manualClock(new Date('2026-05-01T10:00:00Z'));
  const deps = () => ({ alerts, clock });

  beforeAll(async () => {
    db = await openPglite();
    alerts = createSqlAlertStore(db, clock);
  });
  afterAll(() => db.close());

  it('answers group_gone for a group mogo does not know', async () => {
    expect(await acknowledgeGroup(deps(), 'nope', 'UALICE')).toEqual({ kind: 'group_gone' });
    expect(await unacknowledgeGroup(deps(), 'nope', 'UALICE')).toEqual({ kind: 'group_gone' });
  });

  it('keeps the first acknowledgement, and changes nothing when there is nothing to undo', async () => {
    const key = '{}:{alertname="AckUnit"}';
    const { group } = (await alerts.mutateGroup(key, () => ({ next: sampleGroup(key), audit: [] })))!;

    const first = await acknowledgeGroup(deps(), group.id, 'UALICE');
    const second = await acknowledgeGroup(deps(), group.id, 'UBOB');
    const undone = await unacknowledgeGroup(deps(), group.id, 'UBOB');
    const again = await unacknowledgeGroup(deps(), group.id, 'UBOB');

    expect(first).toMatchObject({ kind: 'ok', changed: true, group: { ack: { by: 'UALICE' } } });
    expect(second).toMatchObject({ kind: 'ok', changed: false, group: { ack: { by: 'UALICE' } } });
    expect(undone).toMatchObject({ kind: 'ok', changed: true, group: { ack: null } });
    expect(again).toMatchObject({ kind: 'ok', changed: false });
  });
});
