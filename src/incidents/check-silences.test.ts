import { sampleAlert, sampleGroup } from '../../test/fakes/alert-group';
import type { AlertGroup } from '../domain/group';
import { createLogger } from '../logger';
import type { AuditEntry, SilenceRecord, SilenceStore, Silences } from '../ports';
import { checkSilences } from './check-silences';

const NOW = new Date('2026-05-01T10:00:00Z');
const joinedLater = {
  ...sampleAlert('fp3'),
  labels: { alertname: 'HighLatency', fingerprint: 'fp3', new: 'yes' },
};

function world(held: string[], info: 'active' | 'expired' | null = 'active') {
  let group: AlertGroup = sampleGroup('{}:{alertname="HighLatency"}', {
    alerts: [sampleAlert('fp1'), sampleAlert('fp2'), joinedLater],
  });
  const record: SilenceRecord = {
    id: 's1',
    groupId: group.id,
    scope: 'group',
    fingerprint: null,
    // made before fp3 joined: it selects fp1 and fp2 only
    matchers: [{ name: 'fingerprint', value: 'fp[12]', isRegex: true, isEqual: true }],
    createdBy: 'UALICE',
    createdByName: 'alice',
    comment: '',
    startsAt: new Date(NOW.getTime() - 3600_000),
    endsAt: new Date(NOW.getTime() + 3600_000),
    state: 'active',
    endedAt: null,
    endedBy: null,
    checkedAt: null,
  };
  const ended: { end: string; audit: AuditEntry[] }[] = [];
  const audits: AuditEntry[] = [];
  const records = {
    takeDueForCheck: async () => [record],
    end: async (_id: string, end: string, _by: string | null, audit: AuditEntry[]) => {
      ended.push({ end, audit });
      return record;
    },
  } as unknown as SilenceStore;
  const silences: Silences = {
    create: async () => ({ id: 'x' }),
    expire: async () => 'expired',
    get: async () => (info === null ? null : { ...record, state: info, createdBy: '', comment: '' }),
    alerts: async () =>
      held.map((fp) => ({
        fingerprint: fp,
        labels: {},
        state: 'suppressed',
        silencedBy: ['s1'],
        endsAt: NOW,
      })),
  };
  const alerts = {
    getGroup: async () => group,
    mutateGroup: async (
      _key: string,
      decide: (g: AlertGroup) => { next: AlertGroup; audit: AuditEntry[] } | null,
    ) => {
      const change = decide(group);
      if (change) {
        group = change.next;
        audits.push(...change.audit);
      }
      return { group, changed: change !== null };
    },
  };
  const deps = { alerts, silences, records, clock: { now: () => NOW }, logger: createLogger('silent') };
  return { deps: deps as Parameters<typeof checkSilences>[0], ended, audits, group: () => group };
}

describe('checkSilences', () => {
  it('marks resolved only the silenced alerts Alertmanager no longer holds, not one that joined later', async () => {
    const w = world(['fp1']); // fp2 resolved while silenced; fp3 is not the silence's and Alertmanager notifies it
    expect(await checkSilences(w.deps)).toEqual({ checked: 1, ended: 0, resolved: 1 });
    expect(w.group().alerts.map((a) => `${a.fingerprint}:${a.status}`)).toEqual([
      'fp1:firing',
      'fp2:resolved',
      'fp3:firing',
    ]);
    expect(w.audits[0]).toMatchObject({
      action: 'alert.resolved_silenced',
      details: { fingerprints: ['fp2'] },
    });
  });

  it('a silence expired early in Alertmanager is ended as removed; one it no longer knows too', async () => {
    for (const info of ['expired', null] as const) {
      const w = world([], info);
      expect(await checkSilences(w.deps)).toMatchObject({ ended: 1 });
      expect(w.ended[0]).toMatchObject({
        end: 'removed',
        audit: [expect.objectContaining({ actor: 'alertmanager', action: 'alert.unsilenced' })],
      });
    }
  });
});
