import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from './main';
import { parseLabelArgs, rulesTestLabels } from './rules-test';

const RULES = join(__dirname, '..', '..', 'rules');

/** Runs `mogo …` in-process, capturing what it writes. */
async function mogo(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((s) => {
    stdout += String(s);
    return true;
  });
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((s) => {
    stderr += String(s);
    return true;
  });
  try {
    const code = await main(args);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe('--help on every command', () => {
  test.each([
    [['--help'], /^usage: mogo <command>/],
    [['help'], /^usage: mogo <command>/],
    [['serve', '--help'], /^usage: mogo serve/],
    [['rules', '--help'], /^usage: mogo rules <check\|test>/],
    [['rules', '-h'], /^usage: mogo rules <check\|test>/],
    [['rules', 'check', '--help'], /^usage: mogo rules check \[dir\]/],
    [['rules', 'test', '--help'], /^usage: mogo rules test <name=value>/],
    [['rules', 'test', 'x.json', '-h'], /^usage: mogo rules test/],
    [['audit', '--help'], /^usage: mogo audit <verify\|export>/],
    [['audit', 'verify', '--help'], /^usage: mogo audit/],
  ])('mogo %j prints its usage on stdout and exits 0', async (args, usage) => {
    const r = await mogo(...args);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(usage);
  });

  test('an unknown subcommand is a usage error (exit 2) with that command’s usage', async () => {
    const r = await mogo('rules', 'lint');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown rules command "lint"\n\nusage: mogo rules/);
  });
});

describe('mogo rules check', () => {
  test('summarises what it found: files, rules, priorities, channels, targets, roles', async () => {
    const r = await mogo('rules', 'check', RULES);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Checking ${RULES}  SUCCESS\nFound:\n`));
    expect(r.stdout).toMatch(/ - 4 rule files: .*00-defaults\.yml/);
    expect(r.stdout).toMatch(/ - \d+ rules \(\d+ naming a channel/);
    expect(r.stdout).toContain('priorities by score: P1 >= 100, P2 >= 50, P3 >= 20, P4 below');
    expect(r.stdout).toContain('1 rollback target: example-webhook (webhook)');
    expect(r.stdout).toContain('1 role: example-deployers');
  });

  test('lists every problem and says FAILED (exit 1)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mogo-check-'));
    try {
      writeFileSync(join(dir, 'a.yml'), 'rules:\n  - name: x\n    match: ["sevrity=~"]\n    wieght: 5\n');
      const r = await mogo('rules', 'check', dir);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/a\.yml:\d+:\d+: /);
      expect(r.stdout).toMatch(/Checking .* {2}FAILED: \d+ problems?\n$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('mogo rules test name=value …', () => {
  test('reads labels from the command line; anything else is a payload file', () => {
    expect(parseLabelArgs(['alertname=HighLatency', 'severity=critical', 'msg="a b"'])).toEqual({
      alertname: 'HighLatency',
      severity: 'critical',
      msg: 'a b',
    });
    expect(parseLabelArgs(['payload.json'])).toBeNull();
    expect(parseLabelArgs([])).toBeNull();
  });

  test('routes the label set like amtool config routes test', async () => {
    const r = await mogo(
      'rules',
      'test',
      'alertname=HighLatency',
      'severity=critical',
      'service=api',
      '--rules',
      RULES,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\{alertname="HighLatency", service="api", severity="critical"\} at /);
    expect(r.stdout).toMatch(/ {2}priority: {2}P\d/);
    expect(r.stdout).toMatch(/ {2}channel: {3}#/);
  });

  test('--json gives the routing as data', async () => {
    let out = '';
    const io = {
      out: (t: string) => {
        out += t;
      },
      err: () => undefined,
    };
    const at = new Date('2026-11-24T10:00:00Z');
    expect(
      await rulesTestLabels(io, { labels: { severity: 'critical' }, rulesDir: RULES, at, json: true }),
    ).toBe(0);
    const report = JSON.parse(out);
    expect(report).toMatchObject({ at: at.toISOString(), labels: { severity: 'critical' } });
    expect(report.routing.priority).toMatch(/^P[1-4]$/);
  });
});
