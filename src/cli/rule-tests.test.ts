import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatProblem } from '../rules/types';
import { formatRuleTestReport, runRuleTests } from './rule-tests';

const SHIPPED = join(__dirname, '..', '..', 'rules');

test('the shipped rule tests (rules/tests/*.yml) all pass', async () => {
  const report = await runRuleTests(SHIPPED);
  const text = formatRuleTestReport(report);
  expect(report.problems.map(formatProblem)).toEqual([]);
  expect(report.results.filter((r) => !r.passed).map((r) => r.name)).toEqual([]);
  expect(report.results.length).toBeGreaterThanOrEqual(10);
  expect(report.ok).toBe(true);
  expect(text).toMatch(/^\d+ passed, 0 failed \(2 test files\)$/m);
});

describe('the runner', () => {
  let dir: string;
  const RULES =
    'version: 1\nrules:\n  - name: crit\n    match: [\'severity="critical"\']\n    weight: 100\n    channel: "#crit"\n';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mogo-rule-tests-'));
    writeFileSync(join(dir, '10-rules.yml'), RULES);
    mkdirSync(join(dir, 'tests'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const tests = (content: string) => writeFileSync(join(dir, 'tests', 'a.yml'), content);

  test('a failing case shows a diff of each field that differs, and why', async () => {
    tests(
      'tests:\n  - name: crit\n    labels: {severity: critical}\n    expect: {priority: P2, channel: "#crit", mentions: ["@here"]}\n',
    );
    const report = await runRuleTests(dir, { now: new Date('2026-01-01T00:00:00Z') });
    expect(report.ok).toBe(false);
    expect(formatRuleTestReport(report).replaceAll(`${dir}/`, '')).toBe(
      [
        'FAIL tests/a.yml:2:5: crit',
        '  - priority: "P2"  (expected)',
        '  + priority: "P1"  (got)',
        '  - mentions: ["<!here>"]  (expected)',
        '  + mentions: []  (got)',
        '    why: rule crit: +100 · score 100 → P1',
        '0 passed, 1 failed (1 test files)',
        '',
      ].join('\n'),
    );
  });

  test('payload cases route the group as the bot does; problems in test files are file:line:column', async () => {
    copyFileSync(join(SHIPPED, 'tests', 'payloads', 'firing-3-alerts.json'), join(dir, 'tests', 'p.json'));
    writeFileSync(join(dir, 'tests', 'bad.json'), '{"version": "4"');
    tests(`tests:
  - name: group
    payload: p.json
    expect: {priority: P1, channel: "#crit", score: 100}
  - name: missing
    payload: nope.json
    expect: {priority: P1, channel: "#crit"}
  - name: broken
    payload: bad.json
    expect: {priority: P1, channel: "#crit"}
  - name: index
    payload: p.json
    alert: 3
    expect: {priority: P1, channel: "#crit"}
  - name: both
    payload: p.json
    labels: {a: b}
    expect: {priority: P5, channel: "#crit", colour: red}
`);
    const report = await runRuleTests(dir);
    expect(report.results.map((r) => [r.name, r.passed])).toEqual([]);
    expect(report.problems.map((p) => formatProblem(p).replace(`${dir}/`, ''))).toEqual([
      'tests/a.yml:18:24: test "both": "expect.priority" must be one of "P1", "P2", "P3", "P4", not the string "P5"',
      'tests/a.yml:18:46: test "both": unknown field "colour" in "expect"; allowed: priority, channel, notify, mentions, rollback_target, score, rules',
    ]);
    tests(`tests:
  - name: group
    payload: p.json
    expect: {priority: P1, channel: "#crit", score: 100}
  - name: missing
    payload: nope.json
    expect: {priority: P1, channel: "#crit"}
  - name: broken
    payload: bad.json
    expect: {priority: P1, channel: "#crit"}
  - name: index
    payload: p.json
    alert: 3
    expect: {priority: P1, channel: "#crit"}
`);
    const second = await runRuleTests(dir);
    expect(second.results.map((r) => [r.name, r.passed])).toEqual([['group', true]]);
    expect(second.problems.map((p) => formatProblem(p).replace(`${dir}/`, ''))).toEqual([
      'tests/a.yml:6:14: test "missing": cannot read payload "nope.json": ENOENT',
      expect.stringMatching(/^tests\/a\.yml:9:14: test "broken": payload "bad\.json" is not valid JSON: /),
      'tests/a.yml:13:12: test "index": "alert" is 3 but the payload has 3 alerts (from 0)',
    ]);
  });

  test('a case needs exactly one of payload and labels; fields that belong to the other are problems', async () => {
    tests(`tests:
  - name: both
    payload: p.json
    labels: {a: b}
    expect: {priority: P1, channel: "#crit"}
  - name: neither
    alert: 1
    expect: {priority: P1, channel: "#crit"}
  - name: starts
    payload: p.json
    starts_at: "2026-01-01T00:00:00Z"
    refires: 2
    expect: {priority: P1, channel: "#crit"}
`);
    expect((await runRuleTests(dir)).problems.map((p) => formatProblem(p).replace(`${dir}/`, ''))).toEqual([
      'tests/a.yml:3:14: test "both": a test needs exactly one of "payload" (a webhook JSON file) or "labels"',
      'tests/a.yml:6:5: test "neither": a test needs exactly one of "payload" (a webhook JSON file) or "labels"',
      'tests/a.yml:7:12: test "neither": "alert" picks one alert of a "payload"',
      'tests/a.yml:11:16: test "starts": "starts_at" goes with "labels"; a payload has startsAt',
      'tests/a.yml:12:14: test "starts": "refires" describes one alert: use it with "labels", or pick one with "alert"',
    ]);
  });

  test('invalid rules are reported instead of running the tests; no test files is a problem', async () => {
    writeFileSync(join(dir, '20-bad.yml'), 'version: 2\n');
    expect((await runRuleTests(dir)).problems.map((p) => p.message)).toEqual([
      'unsupported version 2; supported versions: 1',
    ]);
    rmSync(join(dir, '20-bad.yml'));
    const report = await runRuleTests(dir);
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.message)).toEqual([expect.stringMatching(/^no rule tests/)]);
  });
});
