import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from './main';
import { BLOCK_KIT_BUILDER, type Output, rulesTestAll, rulesTestPayload } from './rules-test';

const ROOT = join(__dirname, '..', '..');
const RULES = join(ROOT, 'rules');
const FIXTURE = join(ROOT, 'test', 'fixtures', 'alertmanager', 'firing-3-alerts.json');
const AT = new Date('2026-11-24T10:00:00Z');

function capture(): Output & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    out(text: string) {
      io.stdout += text;
    },
    err(text: string) {
      io.stderr += text;
    },
  };
  return io;
}

describe('mogo rules test <payload.json>', () => {
  test('prints each alert’s routing, then the exact Block Kit JSON and a Block Kit Builder link', async () => {
    const io = capture();
    expect(await rulesTestPayload(io, { payload: FIXTURE, rulesDir: RULES, at: AT, json: false })).toBe(0);
    const out = io.stdout.replaceAll(`${RULES}/`, 'rules/');
    expect(out).toContain('alert 1/3 firing {alertname="HighLatency", cluster="prod", instance="api-1:8080"');
    expect(out).toMatch(
      / {2}rules: {5}critical +\+80 +rules\/50-example\.yml:\d+:5\n {13}production-cluster +\+30 /,
    );
    expect(out).toContain('  why:       rule critical: +80 · rule production-cluster: +30 · score 110 → P1');
    expect(out).toContain(
      '  priority:  P1\n  channel:   #alerts-critical\n  mentions:  <!here>\n  notify:    yes',
    );
    expect(out).toContain('  rollback:  none (no Rollback button)');
    expect(out).toContain('alert 3/3 firing');
    expect(out).toContain('  priority:  P2\n  channel:   #alerts\n  mentions:  nobody');
    expect(out).toContain('group {alertname="HighLatency", cluster="prod"}: P1, posted to #alerts-critical');

    const json = out.slice(out.indexOf('Block Kit JSON:\n') + 16, out.indexOf('\n\nPreview'));
    const message = JSON.parse(json);
    expect(message.text).toBe(
      '<!here> [P1] FIRING HighLatency: p99 latency above 2s on api-1:8080 (3 firing)',
    );
    const link = out.trim().split('\n').pop()!;
    expect(link.startsWith(BLOCK_KIT_BUILDER)).toBe(true);
    expect(JSON.parse(decodeURIComponent(link.slice(BLOCK_KIT_BUILDER.length)))).toEqual({
      blocks: message.blocks,
    });
  });

  test('--json: the same, machine-readable', async () => {
    const io = capture();
    await rulesTestPayload(io, { payload: FIXTURE, rulesDir: RULES, at: AT, json: true });
    const report = JSON.parse(io.stdout);
    expect(report.at).toBe('2026-11-24T10:00:00.000Z');
    expect(report.alerts.map((a: { routing: { priority: string } }) => a.routing.priority)).toEqual([
      'P1',
      'P1',
      'P2',
    ]);
    expect(report.group.routing).toMatchObject({
      priority: 'P1',
      channel: '#alerts-critical',
      rollbackTarget: null,
    });
    expect(report.group.posted).toBe(true);
    expect(report.preview).toBe(
      BLOCK_KIT_BUILDER + encodeURIComponent(JSON.stringify({ blocks: report.message.blocks })),
    );
  });

  test('a payload that would not be posted says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mogo-cli-'));
    try {
      const body = JSON.parse(readFileSync(FIXTURE, 'utf8'));
      for (const a of body.alerts) a.labels = { alertname: 'Watchdog', severity: 'critical' };
      writeFileSync(join(dir, 'w.json'), JSON.stringify(body));
      const io = capture();
      await rulesTestPayload(io, { payload: join(dir, 'w.json'), rulesDir: RULES, at: AT, json: false });
      expect(io.stdout).toContain(': P4, not posted (notify is off: recorded and shown in the digest only)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('invalid rules or an unreadable payload: the problems on stderr, exit 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mogo-cli-'));
    try {
      writeFileSync(join(dir, '10-a.yml'), 'version: 1\nrules:\n  - name: a\n    wieght: 1\n');
      const bad = capture();
      expect(await rulesTestPayload(bad, { payload: FIXTURE, rulesDir: dir, at: AT, json: false })).toBe(1);
      expect(bad.stderr).toMatch(/10-a\.yml:4:5: rule "a": unknown field "wieght"/);
      const missing = capture();
      const payload = join(dir, 'none.json');
      expect(await rulesTestPayload(missing, { payload, rulesDir: RULES, at: AT, json: false })).toBe(1);
      expect(missing.stderr).toBe(`mogo: cannot read payload ${JSON.stringify(payload)}: ENOENT\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('mogo rules test --all', () => {
  test('passes on the shipped rules; fails (exit 1) with a diff when a case fails', async () => {
    const ok = capture();
    expect(await rulesTestAll(ok, { rulesDir: RULES, json: false })).toBe(0);
    expect(ok.stdout).toMatch(/^PASS .*rules\/tests\/50-example\.yml:9:5: the firing-3-alerts group/m);

    const dir = mkdtempSync(join(tmpdir(), 'mogo-cli-'));
    try {
      writeFileSync(join(dir, '10-a.yml'), 'version: 1\n');
      mkdirSync(join(dir, 'tests'));
      writeFileSync(
        join(dir, 'tests', 't.yml'),
        'tests:\n  - name: x\n    labels: {a: b}\n    expect: {priority: P1, channel: "#alerts"}\n',
      );
      const failed = capture();
      expect(await rulesTestAll(failed, { rulesDir: dir, json: false })).toBe(1);
      expect(failed.stdout).toContain('  - priority: "P1"  (expected)\n  + priority: "P4"  (got)');
      const json = capture();
      await rulesTestAll(json, { rulesDir: dir, json: true });
      expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, results: [{ name: 'x', passed: false }] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('argument handling', () => {
  let stderr: jest.SpyInstance;
  beforeEach(() => {
    stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => stderr.mockRestore());

  test.each([
    [['rules', 'test'], /give labels \(name=value ...\), one payload file, or --all/],
    [['rules', 'test', 'a.json', 'b.json'], /one payload file, or --all/],
    [['rules', 'test', '--bogus'], /Unknown option '--bogus'/],
    [['rules', 'test', FIXTURE, '--at', 'tomorrow'], /--at "tomorrow" is not a time/],
    [['rules', 'test', '--all', FIXTURE], /--all takes no payload/],
  ])('%j -> exit 2', async (args, message) => {
    expect(await main(args)).toBe(2);
    expect(stderr.mock.calls.map((c) => String(c[0])).join('')).toMatch(message);
  });
});
