import { compileRules } from './compile';
import { downgrade, routeAlert } from './route';
import type { RuleSet } from './types';

function ruleSet(...contents: string[]): RuleSet {
  const result = compileRules(contents.map((content, i) => ({ path: `rules/${i}.yml`, content })));
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.ruleSet;
}

const RULES = `
version: 1
defaults:
  mentions: {P1: ["@here"], P2: ["U0SECOND"]}
  channels: {P2: "#alerts-p2"}
rules:
  - name: critical
    match: ['severity="critical"']
    weight: 100
    mentions: ["U0DB"]
maintenance:
  - name: db-upgrade
    match: ['service="postgres"']
    start: "2026-05-01T22:00:00Z"
    end: "2026-05-02T02:00:00+02:00"
    action: hold
    reason: planned upgrade
  - name: api-deploy
    match: ['service="api"']
    start: "2026-05-01T22:00:00Z"
    end: "2026-05-01T23:00:00Z"
    action: downgrade
  - name: api-migration
    match: ['service="api"', 'stage="migration"']
    start: "2026-05-01T22:30:00Z"
    end: "2026-05-01T23:00:00Z"
    action: downgrade
    downgrade_by: 3
  - name: weekly-backup
    match: ['service="backup"']
    window: {days: [sun], from: "02:00", to: "04:00", time_zone: Europe/Berlin}
    action: hold
`;

const rules = ruleSet(RULES);
const route = (labels: Record<string, string>, iso: string) =>
  routeAlert(rules, { labels: { severity: 'critical', ...labels }, annotations: {} }, new Date(iso));

describe('hold', () => {
  test('start is inclusive, end exclusive', () => {
    expect(route({ service: 'postgres' }, '2026-05-01T21:59:59.999Z').notify).toBe(true);
    expect(route({ service: 'postgres' }, '2026-05-01T22:00:00Z').notify).toBe(false);
    expect(route({ service: 'postgres' }, '2026-05-01T23:59:59.999Z').notify).toBe(false); // end is 00:00Z
    expect(route({ service: 'postgres' }, '2026-05-02T00:00:00Z').notify).toBe(true);
  });

  test('a held alert keeps its priority and score, is recorded and pings nobody', () => {
    const r = route({ service: 'postgres' }, '2026-05-01T23:00:00Z');
    expect(r).toMatchObject({ priority: 'P1', score: 100, notify: false, mentions: [], channel: '#alerts' });
    expect(r.explain).toContain(
      'maintenance db-upgrade (until 2026-05-02T00:00:00.000Z): hold: recorded, not posted (planned upgrade)',
    );
  });

  test('alerts the matchers do not select are not affected', () => {
    expect(route({ service: 'mysql' }, '2026-05-01T23:00:00Z').notify).toBe(true);
  });

  test('a recurring window: Sundays 02:00-04:00 Berlin, across the change to summer time', () => {
    expect(route({ service: 'backup' }, '2026-03-29T00:59:00Z').notify).toBe(true); // 01:59 CET
    expect(route({ service: 'backup' }, '2026-03-29T01:00:00Z').notify).toBe(false); // 03:00 CEST
    expect(route({ service: 'backup' }, '2026-03-29T01:59:00Z').notify).toBe(false); // 03:59 CEST
    expect(route({ service: 'backup' }, '2026-03-29T02:00:00Z').notify).toBe(true); // 04:00 CEST
    expect(route({ service: 'backup' }, '2026-04-05T00:30:00Z').explain).toContain(
      'maintenance weekly-backup (inside sun 02:00-04:00 Europe/Berlin): hold: recorded, not posted',
    );
  });
});

describe('downgrade', () => {
  test('by one priority by default, with the mentions and channel of the new priority', () => {
    const r = route({ service: 'api' }, '2026-05-01T22:00:00Z');
    expect(r).toMatchObject({
      priority: 'P2',
      score: 100,
      notify: true,
      channel: '#alerts-p2',
      mentions: ['<@U0SECOND>', '<@U0DB>'],
    });
    expect(r.explain!.slice(-2)).toEqual([
      'maintenance api-deploy (until 2026-05-01T23:00:00.000Z): downgrade by 1',
      'priority P1 → P2 (maintenance)',
    ]);
  });

  test('start inclusive, end exclusive', () => {
    expect(route({ service: 'api' }, '2026-05-01T21:59:59Z').priority).toBe('P1');
    expect(route({ service: 'api' }, '2026-05-01T22:59:59Z').priority).toBe('P2');
    expect(route({ service: 'api' }, '2026-05-01T23:00:00Z').priority).toBe('P1');
  });

  test('overlapping downgrades do not add up: the largest counts; P4 is the floor and does not notify', () => {
    const r = route({ service: 'api', stage: 'migration' }, '2026-05-01T22:45:00Z');
    expect(r).toMatchObject({ priority: 'P4', notify: false, mentions: [] });
    expect(route({ service: 'api', stage: 'migration' }, '2026-05-01T22:15:00Z').priority).toBe('P2');
  });

  test('priorities move towards P4 and stop there', () => {
    expect(downgrade('P1', 1)).toBe('P2');
    expect(downgrade('P2', 2)).toBe('P4');
    expect(downgrade('P3', 3)).toBe('P4');
    expect(downgrade('P4', 1)).toBe('P4');
    expect(downgrade('P1', 0)).toBe('P1');
  });
});

test('hold wins over a rule that asks to notify', () => {
  const withNotify = ruleSet(
    RULES,
    'version: 1\nrules:\n  - name: always\n    match: [\'service="postgres"\']\n    notify: true\n',
  );
  const r = routeAlert(
    withNotify,
    { labels: { service: 'postgres' }, annotations: {} },
    new Date('2026-05-01T23:00:00Z'),
  );
  expect(r.notify).toBe(false);
});
