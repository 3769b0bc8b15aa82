import { type CompileResult, compileRules } from './compile';
import { priorityFor, routeAlert } from './route';
import type { RuleSet } from './types';

function ruleSet(...contents: string[]): RuleSet {
  const result: CompileResult = compileRules(
    contents.map((content, i) => ({ path: `rules/${String(i).padStart(2, '0')}.yml`, content })),
  );
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.ruleSet;
}

const alert = (labels: Record<string, string>) => ({ labels, annotations: {} });

const SEVERITIES = `
version: 1
rules:
  - name: critical
    match: ['severity="critical"']
    weight: 80
    channel: "#alerts-critical"
  - name: warning
    match: ['severity="warning"']
    weight: 40
  - name: prod
    match: ['env=~"prod.*"']
    weight: 30
    channel: "#alerts-prod"
`;

describe('routeAlert scoring', () => {
  test('score is the sum of the weights of every matching rule, listed in evaluation order', () => {
    const r = routeAlert(ruleSet(SEVERITIES), alert({ severity: 'critical', env: 'production' }));
    expect(r.score).toBe(110);
    expect(r.matched).toEqual([
      { rule: 'critical', weight: 80 },
      { rule: 'prod', weight: 30 },
    ]);
  });

  test('priority comes from the built-in thresholds P1 100 / P2 50 / P3 20 when no file sets defaults', () => {
    const rules = ruleSet(SEVERITIES);
    expect(routeAlert(rules, alert({ severity: 'critical', env: 'prod' })).priority).toBe('P1');
    expect(routeAlert(rules, alert({ severity: 'critical' })).priority).toBe('P2');
    expect(routeAlert(rules, alert({ severity: 'warning' })).priority).toBe('P3');
    expect(routeAlert(rules, alert({ severity: 'info' })).priority).toBe('P4');
  });

  test('thresholds are inclusive lower bounds', () => {
    const t = { P1: 100, P2: 50, P3: 20 };
    expect([100, 99, 50, 49, 20, 19, -5].map((s) => priorityFor(s, t))).toEqual([
      'P1',
      'P2',
      'P2',
      'P3',
      'P3',
      'P4',
      'P4',
    ]);
  });

  test('custom thresholds from defaults', () => {
    const rules = ruleSet('version: 1\ndefaults:\n  thresholds: {P1: 10, P2: 5, P3: 1}\n', SEVERITIES);
    expect(routeAlert(rules, alert({ severity: 'warning' })).priority).toBe('P1');
    expect(routeAlert(rules, alert({})).priority).toBe('P4');
  });

  test('negative weights lower the score', () => {
    const rules = ruleSet(
      SEVERITIES,
      'version: 1\nrules:\n  - name: fluff\n    match: [\'alertname="Watchdog"\']\n    weight: -1000\n',
    );
    const r = routeAlert(rules, alert({ alertname: 'Watchdog', severity: 'critical' }));
    expect(r).toMatchObject({ score: -920, priority: 'P4', notify: false });
  });

  test('a rule without matchers matches every alert; a rule without weight adds 0', () => {
    const rules = ruleSet(
      'version: 1\nrules:\n  - name: all\n    weight: 7\n  - name: route-only\n    channel: "#x"\n',
    );
    expect(routeAlert(rules, alert({}))).toMatchObject({
      score: 7,
      channel: '#x',
      matched: [
        { rule: 'all', weight: 7 },
        { rule: 'route-only', weight: 0 },
      ],
    });
  });
});

describe('routeAlert channel', () => {
  test('the first matching rule that names a channel wins', () => {
    const rules = ruleSet(SEVERITIES);
    expect(routeAlert(rules, alert({ severity: 'critical', env: 'prod' })).channel).toBe('#alerts-critical');
    expect(routeAlert(rules, alert({ severity: 'warning', env: 'prod' })).channel).toBe('#alerts-prod');
  });

  test('falls back to defaults.channel, then to the built-in "#alerts"', () => {
    expect(routeAlert(ruleSet(SEVERITIES), alert({ severity: 'warning' })).channel).toBe('#alerts');
    const withDefault = ruleSet('version: 1\ndefaults:\n  channel: "#ops"\n', SEVERITIES);
    expect(routeAlert(withDefault, alert({ severity: 'warning' })).channel).toBe('#ops');
  });
});

describe('routeAlert continue: false', () => {
  test('stops evaluation after the matching rule', () => {
    const rules = ruleSet(`
version: 1
rules:
  - name: stop-here
    match: ['alertname="Watchdog"']
    weight: 1
    continue: false
  - name: everything
    weight: 100
`);
    expect(routeAlert(rules, alert({ alertname: 'Watchdog' })).matched).toEqual([
      { rule: 'stop-here', weight: 1 },
    ]);
    expect(routeAlert(rules, alert({ alertname: 'Other' })).matched).toEqual([
      { rule: 'everything', weight: 100 },
    ]);
  });
});

describe('routeAlert mentions and notify', () => {
  const DEFAULTS = `
version: 1
defaults:
  mentions:
    P1: ["S0ONCALL", "@here"]
    P4: ["U0NOBODY"]
  notify: {P3: false}
rules:
  - name: critical
    match: ['severity="critical"']
    weight: 100
    mentions: ["U0ALICE", "<!subteam^S0ONCALL>"]
  - name: db
    match: ['team="db"']
    weight: 0
    mentions: ["U0ALICE", "U0BOB"]
  - name: minor
    match: ['severity="minor"']
    weight: 25
    mentions: ["U0CAROL"]
`;

  test('defaults for the priority first, then rule mentions in order, without duplicates', () => {
    const r = routeAlert(ruleSet(DEFAULTS), alert({ severity: 'critical', team: 'db' }));
    expect(r.mentions).toEqual(['<!subteam^S0ONCALL>', '<!here>', '<@U0ALICE>', '<@U0BOB>']);
    expect(r.notify).toBe(true);
  });

  test('nobody is pinged when the priority does not notify, even with rule mentions', () => {
    const p3 = routeAlert(ruleSet(DEFAULTS), alert({ severity: 'minor' }));
    expect(p3).toMatchObject({ priority: 'P3', notify: false, mentions: [] });
    const p4 = routeAlert(ruleSet(DEFAULTS), alert({ team: 'db' }));
    expect(p4).toMatchObject({ priority: 'P4', notify: false, mentions: [] });
  });

  test('the built-in notify is P1-P3 true, P4 false', () => {
    const rules = ruleSet(SEVERITIES);
    expect(rules.defaults.notify).toEqual({ P1: true, P2: true, P3: true, P4: false });
    expect(routeAlert(rules, alert({ severity: 'warning' })).notify).toBe(true);
    expect(routeAlert(rules, alert({})).notify).toBe(false);
  });

  test('returned arrays are fresh: mutating a routing does not leak into the next', () => {
    const rules = ruleSet(DEFAULTS);
    routeAlert(rules, alert({ severity: 'critical' })).mentions.push('junk');
    expect(routeAlert(rules, alert({ severity: 'critical' })).mentions).not.toContain('junk');
  });
});

test('10k alerts through 200 rules: every score is right (speed is measured by `npm run bench`)', () => {
  const lines = ['version: 1', 'rules:'];
  for (let i = 0; i < 200; i++) {
    lines.push(
      `  - name: r${i}`,
      `    match: ['service=~"svc-${i}|api-.*"', 'severity!="none"']`,
      '    weight: 1',
    );
  }
  const rules = ruleSet(lines.join('\n'));
  const alerts = Array.from({ length: 10_000 }, (_, i) =>
    alert({ service: `svc-${i % 300}`, severity: 'warning' }),
  );
  let total = 0;
  for (const a of alerts) total += routeAlert(rules, a).score;
  expect(total).toBe(alerts.filter((a) => Number(a.labels.service.slice(4)) < 200).length);
});
