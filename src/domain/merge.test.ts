import type { Alert, Notification, Routing } from './alert';
import { countByStatus } from './group';
import { applyNotification, MAX_RESOLVED_KEPT, RESOLVED_RETENTION_MS } from './merge';

const routing: Routing = {
  priority: 'P2',
  score: 50,
  channel: '#alerts',
  mentions: [],
  notify: true,
  matched: [],
};
const route = () => routing;
const now = new Date('2026-11-25T10:00:00Z');

const alert = (fp: string, status: Alert['status'], startsAt = '2026-11-25T09:00:00Z'): Alert => ({
  fingerprint: fp,
  status,
  labels: { alertname: 'DiskFull', instance: fp },
  annotations: {},
  startsAt,
  endsAt: status === 'resolved' ? '2026-11-25T09:30:00Z' : null,
  generatorURL: '',
});

const notification = (
  alerts: Alert[],
  status: Alert['status'] = 'firing',
  truncatedAlerts = 0,
): Notification => ({
  receiver: 'bot',
  status,
  alerts,
  groupLabels: { alertname: 'DiskFull' },
  commonLabels: { alertname: 'DiskFull' },
  commonAnnotations: {},
  externalURL: 'http://am-1:9093',
  groupKey: '{}:{alertname="DiskFull"}',
  truncatedAlerts,
});

describe('applyNotification', () => {
  it('creates a group from the first notification', () => {
    const g = applyNotification(null, notification([alert('a', 'firing')]), route, now);
    expect(g?.status).toBe('firing');
    expect(g?.alerts).toHaveLength(1);
    expect(g?.id).toMatch(/^[0-9a-f]{24}$/);
  });

  it('is a no-op for the same notification again, even from the other HA member', () => {
    const n = notification([alert('a', 'firing')]);
    const g = applyNotification(null, n, route, now)!;
    expect(applyNotification(g, n, route, now)).toBeNull();
    expect(applyNotification(g, { ...n, externalURL: 'http://am-2:9093' }, route, now)).toBeNull();
  });

  it('applies a real change: a new alert joins, one resolves', () => {
    const g1 = applyNotification(null, notification([alert('a', 'firing')]), route, now)!;
    const g2 = applyNotification(g1, notification([alert('a', 'firing'), alert('b', 'firing')]), route, now)!;
    expect(g2.alerts.map((a) => a.fingerprint)).toEqual(['a', 'b']);
    const g3 = applyNotification(
      g2,
      notification([alert('a', 'resolved'), alert('b', 'firing')]),
      route,
      now,
    )!;
    expect(g3.alerts.map((a) => a.status)).toEqual(['resolved', 'firing']);
    expect(g3.status).toBe('firing');
  });

  it('a late firing copy never re-opens an alert that resolved (same startsAt)', () => {
    const g1 = applyNotification(null, notification([alert('a', 'resolved')], 'resolved'), route, now)!;
    expect(applyNotification(g1, notification([alert('a', 'firing')]), route, now)).toBeNull();
  });

  it('a new incarnation (later startsAt) re-fires and clears the acknowledgement', () => {
    const g1 = applyNotification(null, notification([alert('a', 'resolved')], 'resolved'), route, now)!;
    const acked = { ...g1, ack: { by: 'U1', at: now.toISOString() } };
    const g2 = applyNotification(
      acked,
      notification([alert('a', 'firing', '2026-11-25T09:45:00Z')]),
      route,
      now,
    )!;
    expect(g2.status).toBe('firing');
    expect(g2.ack).toBeNull();
  });

  it('keeps the acknowledgement while the group keeps firing', () => {
    const g1 = applyNotification(null, notification([alert('a', 'firing')]), route, now)!;
    const acked = { ...g1, ack: { by: 'U1', at: now.toISOString() } };
    const g2 = applyNotification(
      acked,
      notification([alert('a', 'firing'), alert('b', 'firing')]),
      route,
      now,
    )!;
    expect(g2.ack?.by).toBe('U1');
  });

  it('a resolved notification resolves the whole group and still lists what fired', () => {
    const g1 = applyNotification(
      null,
      notification([alert('a', 'firing'), alert('b', 'firing')]),
      route,
      now,
    )!;
    const g2 = applyNotification(g1, notification([alert('a', 'resolved')], 'resolved'), route, now)!;
    expect(g2.status).toBe('resolved');
    expect(g2.alerts.map((a) => [a.fingerprint, a.status])).toEqual([
      ['a', 'resolved'],
      ['b', 'resolved'],
    ]);
  });

  it('does not resolve alerts Alertmanager left out (truncated)', () => {
    const g1 = applyNotification(
      null,
      notification([alert('a', 'firing'), alert('b', 'firing')]),
      route,
      now,
    )!;
    const g2 = applyNotification(g1, notification([alert('a', 'resolved')], 'resolved', 1), route, now)!;
    expect(g2.status).toBe('firing');
  });

  it('counts re-fires (a later startsAt) for the flapping boost, and a duplicate adds none', () => {
    const g1 = applyNotification(null, notification([alert('a', 'resolved')], 'resolved'), route, now)!;
    expect(g1.alerts[0]?.refires).toBeUndefined();
    const again = notification([alert('a', 'firing', '2026-11-25T09:45:00Z')]);
    const g2 = applyNotification(g1, again, route, now)!;
    expect(g2.alerts[0]?.refires).toBe(1);
    expect(applyNotification(g2, again, route, now)).toBeNull();
    const g3 = applyNotification(
      g2,
      notification([alert('a', 'firing', '2026-11-25T09:50:00Z')]),
      route,
      now,
    )!;
    expect(g3.alerts[0]?.refires).toBe(2);
  });
});

describe('bounded state: resolved alerts are pruned after retention, still counted', () => {
  const route = () => ({
    priority: 'P3' as const,
    score: 20,
    channel: '#a',
    mentions: [],
    notify: true,
    matched: [],
  });
  const at = new Date('2024-05-01T12:00:00.000Z');
  const alert = (fp: string, status: 'firing' | 'resolved', endsAt: string | null) => ({
    fingerprint: fp,
    status,
    labels: { alertname: 'X', fp },
    annotations: {},
    startsAt: '2024-05-01T09:00:00.000Z',
    endsAt,
    generatorURL: '',
  });
  const note = (alerts: ReturnType<typeof alert>[]) => ({
    receiver: 'r',
    status: 'firing' as const,
    alerts,
    groupLabels: { alertname: 'X' },
    commonLabels: { alertname: 'X' },
    commonAnnotations: {},
    externalURL: '',
    groupKey: '{}:{alertname="X"}',
    truncatedAlerts: 0,
  });

  test('a resolved alert leaves the state an hour after it resolved, and stays in the counts', () => {
    const ended = new Date(at.getTime() - 60_000).toISOString();
    const later = new Date(at.getTime() + RESOLVED_RETENTION_MS + 1);
    const both = note([alert('a', 'firing', null), alert('b', 'firing', null)]);
    const resolving = note([alert('a', 'firing', null), alert('b', 'resolved', ended)]);
    const g = applyNotification(null, both, route, at)!;
    const resolved = applyNotification(g, resolving, route, at)!;
    expect(resolved.alerts.map((a) => a.fingerprint)).toEqual(['a', 'b']); // still shown while recent
    expect(applyNotification(resolved, resolving, route, at)).toBeNull();
    const next = applyNotification(resolved, resolving, route, later)!;
    expect(next.alerts.map((a) => a.fingerprint)).toEqual(['a']);
    expect(countByStatus(next)).toEqual({ firing: 1, resolved: 1 });
    // Alertmanager sends the resolved alert again: no change, and it is not counted twice
    expect(applyNotification(next, resolving, route, new Date(later.getTime() + 1000))).toBeNull();
  });

  test('at most MAX_RESOLVED_KEPT resolved alerts are kept, the newest', () => {
    const resolved = Array.from({ length: MAX_RESOLVED_KEPT + 5 }, (_, i) =>
      alert(`r${i}`, 'resolved', new Date(at.getTime() - 60_000 + i).toISOString()),
    );
    const g = applyNotification(null, note([alert('f', 'firing', null), ...resolved]), route, at)!;
    expect(g.alerts).toHaveLength(MAX_RESOLVED_KEPT + 1);
    expect(g.alerts.some((a) => a.fingerprint === 'r0')).toBe(false);
    expect(countByStatus(g)).toEqual({ firing: 1, resolved: MAX_RESOLVED_KEPT + 5 });
  });
});
