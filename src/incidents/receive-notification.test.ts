import { openPglite } from '../../test/helpers/services';
import type { Alert } from '../domain/alert';
import { countByStatus } from '../domain/group';
import { compileRules } from '../rules/compile';
import { createSqlAlertStore } from '../store/sql-alert-store';
import { receiveNotification, routeGroup } from './receive-notification';

const rules = (() => {
  const r = compileRules([
    {
      path: 'rules/10.yml',
      content: `version: 1
rules:
  - name: critical
    match: ['severity="critical"']
    weight: 60
  - name: flapping
    boost: { weight: 50, refires: 2 }
`,
    },
  ]);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.ruleSet;
})();

const alert = (severity: string, refires?: number): Alert => ({
  fingerprint: severity,
  status: 'firing',
  labels: { alertname: 'X', severity },
  annotations: {},
  startsAt: '2026-11-25T09:00:00Z',
  endsAt: null,
  generatorURL: '',
  ...(refires === undefined ? {} : { refires }),
});

describe('routeGroup', () => {
  const at = new Date('2026-11-25T10:00:00Z');

  it('takes the most pressing alert of the group', () => {
    expect(routeGroup(rules, [alert('info'), alert('critical')], at)?.priority).toBe('P2');
  });

  it('feeds the re-fire count mogo keeps into the flapping boost', () => {
    expect(routeGroup(rules, [alert('critical', 1)], at)?.score).toBe(60);
    expect(routeGroup(rules, [alert('critical', 2)], at)?.score).toBe(110);
    expect(routeGroup(rules, [alert('critical', 2)], at)?.priority).toBe('P1');
  });

  it('gives no routing for an empty group', () => {
    expect(routeGroup(rules, [], at)).toBeNull();
  });
});

describe('receiveNotification with thousands of alerts', () => {
  const many = (n: number, status: 'firing' | 'resolved' = 'firing') => ({
    receiver: 'r',
    status,
    alerts: Array.from({ length: n }, (_, i) => ({ ...alert('critical'), fingerprint: `fp${i}`, status })),
    groupLabels: { alertname: 'X' },
    commonLabels: { alertname: 'X' },
    commonAnnotations: {},
    externalURL: '',
    groupKey: '{}:{alertname="Big"}',
    truncatedAlerts: 0,
  });

  it('merges before the transaction, letting timers run meanwhile, and stays idempotent', async () => {
    const db = await openPglite();
    try {
      const deps = {
        alerts: createSqlAlertStore(db),
        rules: { current: () => rules },
        clock: { now: () => new Date() },
      };
      let ticks = 0;
      const timer = setInterval(() => ticks++, 0);
      const first = await receiveNotification(deps, many(1_200));
      clearInterval(timer);
      expect(first).toMatchObject({ changed: true });
      expect(ticks).toBeGreaterThan(0);
      expect(await receiveNotification(deps, many(1_200))).toMatchObject({ changed: false });
      const resolved = await receiveNotification(deps, many(1_200, 'resolved'));
      expect(resolved).toMatchObject({ changed: true });
      const group = await deps.alerts.getGroup(resolved!.groupId);
      expect(group).toMatchObject({ status: 'resolved', version: 2 });
      expect(countByStatus(group!)).toEqual({ firing: 0, resolved: 1_200 });
    } finally {
      await db.close();
    }
  });
});
