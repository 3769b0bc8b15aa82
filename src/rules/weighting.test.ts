import { compileRules } from './compile';
import { routeAlert } from './route';
import type { RuleSet } from './types';

function ruleSet(...contents: string[]): RuleSet {
  const result = compileRules(contents.map((content, i) => ({ path: `rules/${i}.yml`, content })));
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.ruleSet;
}

const alert = (labels: Record<string, string>, extra: { startsAt?: string } = {}) => ({
  labels,
  annotations: {},
  ...extra,
});
const AT = new Date('2026-03-27T10:00:00Z'); // a Friday, 11:00 in Berlin

describe('label_weights', () => {
  const rules = ruleSet(`
version: 1
defaults:
  label_weights:
    severity: {critical: 80, warning: 40, info: 10}
    env: {prod: 30, "": -5}
rules:
  - name: db
    match: ['team="db"']
    weight: 7
`);

  test('add the weight of the alert value of each label, before any rule', () => {
    const r = routeAlert(rules, alert({ severity: 'critical', env: 'prod', team: 'db' }), AT);
    expect(r.score).toBe(117);
    expect(r.matched).toEqual([{ rule: 'db', weight: 7 }]);
    expect(r.explain!.slice(0, 3)).toEqual(['severity="critical": +80', 'env="prod": +30', 'rule db: +7']);
  });

  test('a value not listed adds nothing; "" is the weight of a missing label', () => {
    expect(routeAlert(rules, alert({ severity: 'page', env: 'dev' }), AT).score).toBe(0);
    expect(routeAlert(rules, alert({ severity: 'warning' }), AT).score).toBe(35);
  });
});

describe('multipliers', () => {
  const rules = ruleSet(`
version: 1
defaults:
  label_weights:
    severity: {critical: 80, warning: 40}
rules:
  - name: prod
    match: ['env="prod"']
    weight: 10
    multiply: 1.5
  - name: customer-facing
    match: ['tier="frontend"']
    multiply: 2
  - name: fluff
    match: ['alertname="Noise"']
    weight: -100
  - name: stop
    match: ['stop="yes"']
    continue: false
  - name: after-stop
    multiply: 10
`);

  test('apply to the whole sum (label weights, rule weights, boosts), after summing, rounded', () => {
    const r = routeAlert(rules, alert({ severity: 'warning', env: 'prod', stop: 'yes' }), AT);
    expect(r.score).toBe(75); // (40 + 10) × 1.5
    expect(r.matched).toEqual([
      { rule: 'prod', weight: 10, multiply: 1.5 },
      { rule: 'stop', weight: 0 },
    ]);
    expect(r.explain).toContain('rule prod: +10, ×1.5');
    expect(r.explain).toContain('score 50 × 1.5 = 75 → P2');
  });

  test('several multipliers multiply; order among rules does not matter', () => {
    const r = routeAlert(
      rules,
      alert({ severity: 'critical', env: 'prod', tier: 'frontend', stop: 'yes' }),
      AT,
    );
    expect(r.score).toBe(270); // (80 + 10) × 1.5 × 2
    expect(r.explain).toContain('rule customer-facing: ×2');
  });

  test('a negative sum grows more negative; halves round up', () => {
    const negative = routeAlert(rules, alert({ env: 'prod', alertname: 'Noise', stop: 'yes' }), AT);
    expect(negative.score).toBe(-135); // (10 - 100) × 1.5
    const half = ruleSet(
      'version: 1\nrules:\n  - name: a\n    weight: 5\n    multiply: 1.5\n  - name: stop\n    continue: false\n',
    );
    expect(routeAlert(half, alert({}), AT).score).toBe(8); // 7.5 -> 8
  });

  test('a rule after `continue: false` does not multiply', () => {
    expect(routeAlert(rules, alert({ severity: 'warning', stop: 'yes' }), AT).score).toBe(40);
    expect(routeAlert(rules, alert({ severity: 'warning' }), AT).score).toBe(400);
  });
});

describe('boosts', () => {
  const rules = ruleSet(`
version: 1
rules:
  - name: long-firing
    boost: {firing_for: 30m, weight: 20}
  - name: flapping
    match: ['severity!=""']
    weight: 1
    boost: {refires: 3, weight: 15}
  - name: both
    match: ['both="yes"']
    boost: {firing_for: 1h, refires: 2, weight: 100}
  - name: prod
    match: ['env="prod"']
    multiply: 2
`);

  test('firing_for: from startsAt to `at`, inclusive at the boundary', () => {
    const at = (startsAt: string) => routeAlert(rules, alert({}, { startsAt }), AT);
    expect(at('2026-03-27T09:30:00Z').score).toBe(20);
    expect(at('2026-03-27T09:30:00.001Z').score).toBe(0);
    expect(at('2026-03-27T11:00:00Z').score).toBe(0); // starts in the future (clock skew)
    expect(routeAlert(rules, alert({}), AT).score).toBe(0); // no startsAt
    expect(at('2026-03-27T09:00:00Z')).toMatchObject({
      matched: [{ rule: 'long-firing', weight: 20, boost: 20 }],
      explain: ['rule long-firing: boost +20 (firing ≥ 30m)', 'score 20 → P3'],
    });
  });

  test('the explanation names the condition, not the clock, so it stays the same while firing', () => {
    const early = routeAlert(rules, alert({}, { startsAt: '2026-03-27T09:00:00Z' }), AT);
    const later = routeAlert(
      rules,
      alert({}, { startsAt: '2026-03-27T09:00:00Z' }),
      new Date('2026-03-27T12:00:00Z'),
    );
    expect(later).toEqual(early);
  });

  test('refires: from the optional history; absent history means no boost', () => {
    expect(routeAlert(rules, alert({ severity: 'warning' }), AT).score).toBe(1);
    expect(routeAlert(rules, alert({ severity: 'warning' }), AT, { refires: 2 }).score).toBe(1);
    const r = routeAlert(rules, alert({ severity: 'warning' }), AT, { refires: 3 });
    expect(r.score).toBe(16);
    expect(r.explain!.slice(0, 2)).toEqual([
      'rule long-firing: +0',
      'rule flapping: +1, boost +15 (re-fired ≥ 3 times)',
    ]);
  });

  test('with both conditions, both must hold', () => {
    const long = { startsAt: '2026-03-27T08:00:00Z' };
    expect(routeAlert(rules, alert({ both: 'yes' }, long), AT, { refires: 1 }).score).toBe(20);
    expect(routeAlert(rules, alert({ both: 'yes' }, long), AT, { refires: 2 }).score).toBe(120);
  });

  test('a boost is part of the sum, so multipliers apply to it', () => {
    const r = routeAlert(rules, alert({ env: 'prod' }, { startsAt: '2026-03-27T09:00:00Z' }), AT);
    expect(r.score).toBe(40);
  });
});

describe('time windows on rules', () => {
  const rules = ruleSet(
    `
version: 1
windows:
  - name: business-hours
    days: [mon-fri]
    from: "09:00"
    to: "18:00"
    time_zone: Europe/Berlin
`,
    `
version: 1
rules:
  - name: office
    match: ['team="web"']
    when: {inside: business-hours}
    weight: 50
    channel: "#web-day"
    continue: false
  - name: after-hours
    match: ['team="web"']
    when: {outside: business-hours}
    weight: -30
  - name: night-only
    match: ['shift="night"']
    when: {inside: {from: "22:00", to: "06:00", time_zone: America/New_York}}
    weight: 5
`,
  );

  test('inside: applies only within the window (and only then stops evaluation)', () => {
    const r = routeAlert(rules, alert({ team: 'web' }), AT);
    expect(r).toMatchObject({ score: 50, channel: '#web-day', matched: [{ rule: 'office', weight: 50 }] });
    expect(r.explain![0]).toBe('rule office: +50 (inside business-hours)');
  });

  test('outside: applies only out of the window; a rule not applied neither adds nor stops', () => {
    const saturday = new Date('2026-03-28T10:00:00Z');
    const r = routeAlert(rules, alert({ team: 'web' }), saturday);
    expect(r.matched.map((m) => m.rule)).toEqual(['after-hours']);
    expect(r.channel).toBe('#alerts');
    expect(r.explain).toEqual([
      'rule office: not applied, outside business-hours',
      'rule after-hours: -30 (outside business-hours)',
      'score -30 → P4',
    ]);
    const night = routeAlert(rules, alert({ shift: 'night' }), saturday);
    expect(night.explain![0]).toBe(
      'rule night-only: not applied, outside every day 22:00-06:00 America/New_York',
    );
  });

  test('from is inclusive and to exclusive (17:59 Berlin is in, 18:00 is out)', () => {
    const score = (iso: string) => routeAlert(rules, alert({ team: 'web' }), new Date(iso)).score;
    expect(score('2026-03-27T16:59:00Z')).toBe(50);
    expect(score('2026-03-27T17:00:00Z')).toBe(-30);
    expect(score('2026-03-30T06:59:00Z')).toBe(-30); // Monday 08:59 CEST, after the DST change
    expect(score('2026-03-30T07:00:00Z')).toBe(50);
  });

  test('an inline window past midnight', () => {
    const at = (iso: string) => routeAlert(rules, alert({ team: 'web', shift: 'night' }), new Date(iso));
    expect(at('2026-03-28T03:30:00Z').matched.map((m) => m.rule)).toEqual(['after-hours', 'night-only']); // 23:30 in NY
    expect(at('2026-03-28T10:00:00Z').matched.map((m) => m.rule)).toEqual(['after-hours']); // 06:00 in NY
  });
});

describe('routing per priority and per rule', () => {
  const rules = ruleSet(`
version: 1
defaults:
  channels: {P1: "#incidents", P4: "#digest"}
  mentions: {P1: ["S0ONCALL"], P2: ["U0SECOND"]}
  notify: {P3: false}
rules:
  - name: critical
    match: ['severity="critical"']
    weight: 100
  - name: payments
    match: ['team="payments"']
    channel: "#payments"
    notify: true
    mentions: ["U0PAY"]
  - name: quiet
    match: ['team="quiet"']
    weight: 60
    notify: false
`);

  test('channel: a rule channel, else the channel of the priority, else defaults.channel', () => {
    expect(routeAlert(rules, alert({ severity: 'critical' }), AT).channel).toBe('#incidents');
    expect(routeAlert(rules, alert({ severity: 'critical', team: 'payments' }), AT).channel).toBe(
      '#payments',
    );
    expect(routeAlert(rules, alert({}), AT).channel).toBe('#digest');
    expect(routeAlert(rules, alert({ team: 'quiet' }), AT).channel).toBe('#alerts');
  });

  test('notify: the first applied rule that sets it wins over defaults.notify', () => {
    expect(routeAlert(rules, alert({ team: 'payments' }), AT)).toMatchObject({
      priority: 'P4',
      notify: true,
      mentions: ['<@U0PAY>'],
    });
    expect(routeAlert(rules, alert({ team: 'quiet' }), AT)).toMatchObject({
      priority: 'P2',
      notify: false,
      mentions: [],
    });
  });
});
