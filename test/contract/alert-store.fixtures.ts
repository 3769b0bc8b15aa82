import { randomUUID } from 'node:crypto';
import type { Alert } from '../../src/domain/alert';
import { type AlertGroup, groupIdOf } from '../../src/domain/group';
import type { AlertStore, Clock, GroupChange } from '../../src/ports';
import type { Db } from '../../src/store/db';

export const newGroupKey = (): string => `{}:{alertname="Contract-${randomUUID()}"}`;

export function sampleAlert(fingerprint: string, status: Alert['status'] = 'firing'): Alert {
  return {
    fingerprint,
    status,
    labels: { alertname: 'HighLatency', fingerprint },
    annotations: { summary: 'p99 above 2s' },
    startsAt: '2024-05-01T10:00:00.000Z',
    endsAt: status === 'resolved' ? '2024-05-01T10:05:00.000Z' : null,
    generatorURL: 'http://prometheus/graph',
  };
}

export function sampleGroup(groupKey: string, over: Partial<AlertGroup> = {}): AlertGroup {
  return {
    id: groupIdOf(groupKey),
    groupKey,
    receiver: 'slack',
    status: 'firing',
    groupLabels: { alertname: 'HighLatency' },
    commonLabels: { alertname: 'HighLatency', severity: 'critical' },
    commonAnnotations: {},
    externalURL: 'http://alertmanager',
    truncatedAlerts: 0,
    alerts: [sampleAlert('fp1')],
    routing: { priority: 'P2', score: 10, channel: 'C123', mentions: [], notify: true, matched: [] },
    ack: null,
    rollbackRequests: [],
    version: 0,
    createdAt: '2024-05-01T10:00:00.000Z',
    updatedAt: '2024-05-01T10:00:00.000Z',
    ...over,
  };
}

/** A decision that records one more alert each time it runs, so lost updates show as missing alerts. */
export const addAlert =
  (groupKey: string) =>
  (current: AlertGroup | null): GroupChange => {
    const alerts = [...(current?.alerts ?? []), sampleAlert(`fp${(current?.alerts.length ?? 0) + 1}`)];
    return {
      next: sampleGroup(groupKey, { alerts }),
      audit: [
        { actor: 'alertmanager', action: current ? 'group.updated' : 'group.created', subject: groupKey },
      ],
    };
  };

/** Creates a group (and so a render job) and returns its id. */
export async function createGroup(store: AlertStore, groupKey = newGroupKey()): Promise<string> {
  const res = await store.mutateGroup(groupKey, addAlert(groupKey));
  return res!.group.id;
}

/** Each test starts without groups, messages or jobs (the audit log is append-only: tests filter it). */
export async function resetAlertState(db: Db): Promise<void> {
  await db.query('TRUNCATE outbox, group_messages, rollups, alert_groups');
}

/** A clock the test moves by hand. */
export function manualClock(start = new Date()): Clock & { advance(ms: number): void } {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    advance(ms) {
      now += ms;
    },
  };
}
