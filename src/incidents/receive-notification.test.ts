import type { Alert } from '../domain/alert';
import { compileRules } from '../rules/compile';
import { routeGroup } from './receive-notification';

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
