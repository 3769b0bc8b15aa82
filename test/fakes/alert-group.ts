import type { Alert } from '../../src/domain/alert';
import { type AlertGroup, groupIdOf } from '../../src/domain/group';

/** One HighLatency alert; resolved five minutes after it started when `status` says so. */
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
    version: 0,
    createdAt: '2024-05-01T10:00:00.000Z',
    updatedAt: '2024-05-01T10:00:00.000Z',
    ...over,
  };
}
