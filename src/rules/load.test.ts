import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '../errors';
import { checkRules, formatProblem, loadRules, routeAlert } from '.';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mogo-rules-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(files: Record<string, string>): void {
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
}

/** Problems as "name:line:col: message" with the temp dir stripped. */
async function problems(files: Record<string, string>): Promise<string[]> {
  write(files);
  return (await checkRules(dir)).map((p) => formatProblem(p).replace(`${dir}/`, ''));
}

const rule = (name: string, extra = '') => `  - name: ${name}\n    weight: 1\n${extra}`;

describe('loading a directory', () => {
  test('merges *.yml and *.yaml files in lexical file-name order, skipping subdirectories and dotfiles', async () => {
    write({
      '20-b.yaml': `version: 1\nrules:\n${rule('b')}`,
      '10-a.yml': `version: 1\nrules:\n${rule('a1')}${rule('a2')}`,
      '30-c.yml': `version: 1\nrules:\n${rule('c')}`,
      '.#40-editor.yml': 'not: [valid',
      'README.md': '# not a rule file',
    });
    mkdirSync(join(dir, 'tests'));
    writeFileSync(join(dir, 'tests', '00-test.yml'), 'anything: [goes');
    const rules = await loadRules(dir);
    expect(rules.files).toEqual(['10-a.yml', '20-b.yaml', '30-c.yml'].map((f) => join(dir, f)));
    expect(rules.rules.map((r) => r.name)).toEqual(['a1', 'a2', 'b', 'c']);
    expect(routeAlert(rules, { labels: {}, annotations: {} }).matched.map((m) => m.rule)).toEqual([
      'a1',
      'a2',
      'b',
      'c',
    ]);
  });

  test('follows symlinks to files (Kubernetes ConfigMap mounts)', async () => {
    mkdirSync(join(dir, '..data'));
    writeFileSync(join(dir, '..data', '10-a.yml'), `version: 1\nrules:\n${rule('linked')}`);
    symlinkSync(join(dir, '..data', '10-a.yml'), join(dir, '10-a.yml'));
    expect((await loadRules(dir)).rules.map((r) => r.name)).toEqual(['linked']);
  });

  test('records where each rule was written', async () => {
    write({ '10-a.yml': `version: 1\nrules:\n${rule('a1')}${rule('a2')}` });
    const [, second] = (await loadRules(dir)).rules;
    expect(second!.source).toEqual({ file: join(dir, '10-a.yml'), line: 5, column: 5 });
  });

  test('the digest covers file names and contents', async () => {
    write({ '10-a.yml': `version: 1\nrules:\n${rule('a')}` });
    const first = (await loadRules(dir)).digest;
    expect((await loadRules(dir)).digest).toBe(first);
    write({ '10-a.yml': `version: 1\nrules:\n${rule('a')}# comment\n` });
    const edited = (await loadRules(dir)).digest;
    expect(edited).not.toBe(first);
    rmSync(join(dir, '10-a.yml'));
    write({ '11-a.yml': `version: 1\nrules:\n${rule('a')}# comment\n` });
    expect((await loadRules(dir)).digest).not.toBe(edited);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
  });

  test('a missing directory, an empty one, and one without rule files are problems', async () => {
    const missing = join(dir, 'nope');
    expect((await checkRules(missing)).map(formatProblem)).toEqual([
      `${missing}: rule directory does not exist`,
    ]);
    expect(await checkRules(dir)).toEqual([
      { file: dir, line: 0, column: 0, message: expect.stringMatching(/^no rule files/) },
    ]);
    write({ 'notes.txt': 'x' });
    expect(await checkRules(dir)).toHaveLength(1);
    write({ 'file.yml': 'version: 1\n' });
    expect(await checkRules(join(dir, 'file.yml'))).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/not a directory/) }),
    ]);
  });
});

describe('loadRules errors', () => {
  test('throws RULES_INVALID: first problem as file:line:col, the count of the rest, all problems in details', async () => {
    write({ '10-a.yml': 'version: 1\nrules:\n  - name: a\n    weight: x\n    colour: red\n' });
    const error = await loadRules(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      code: 'RULES_INVALID',
      message: `${join(dir, '10-a.yml')}:4:13: rule "a": "weight" must be a number, not the string "x", and 1 more`,
    });
    expect((error as AppError).details!.problems).toHaveLength(2);
  });

  test('a single problem has no "and N more"', async () => {
    write({ '10-a.yml': 'version: 2\n' });
    await expect(loadRules(dir)).rejects.toThrow(
      /^\S+10-a\.yml:1:10: unsupported version 2; supported versions: 1$/,
    );
  });
});

describe('problems across files', () => {
  test('all problems of all files are collected, in file order then position', async () => {
    const found = await problems({
      '10-a.yml': 'version: 1\nrules:\n  - name: a\n    weight: x\n    match: [\'b=~"("\']\n',
      '20-b.yml': 'version: 9\n',
      '30-c.yml': 'version: 1\nrules:\n  - name: c\n    colour: red\n',
    });
    expect(found.map((p) => p.split(': ')[0])).toEqual([
      '10-a.yml:4:13',
      '10-a.yml:5:13',
      '20-b.yml:1:10',
      '30-c.yml:4:5',
    ]);
  });

  test('duplicate rule names across files name the first definition', async () => {
    const found = await problems({
      '10-a.yml': `version: 1\nrules:\n${rule('db-down')}`,
      '20-b.yml': `version: 1\nrules:\n${rule('other')}${rule('db-down')}`,
    });
    expect(found).toEqual([
      `20-b.yml:5:11: rule "db-down": duplicate rule name, already used at ${dir}/10-a.yml:3:11; rule names must be unique across all files`,
    ]);
  });

  test('a file in an unsupported version is reported once, not also as a duplicate', async () => {
    const found = await problems({
      '10-a.yml': `version: 1\ndefaults: {}\nrules:\n${rule('a')}`,
      '20-b.yml': `version: 2\ndefaults: {}\nrules:\n${rule('a')}`,
    });
    expect(found).toEqual(['20-b.yml:1:10: unsupported version 2; supported versions: 1']);
  });

  test('duplicate rule names within one file', async () => {
    const found = await problems({ '10-a.yml': `version: 1\nrules:\n${rule('x')}${rule('x')}` });
    expect(found).toEqual([expect.stringMatching(/^10-a\.yml:5:11: rule "x": duplicate rule name/)]);
  });

  test('defaults in two files is a problem naming both', async () => {
    const found = await problems({
      '00-defaults.yml': 'version: 1\ndefaults:\n  channel: "#a"\n',
      '10-more.yml': 'version: 1\nrules: []\ndefaults:\n  channel: "#b"\n',
    });
    expect(found).toEqual([
      `10-more.yml:3:1: "defaults" is already set in ${dir}/00-defaults.yml:2:1; only one file may set defaults`,
    ]);
  });

  test('a file that is not UTF-8 is a problem', async () => {
    writeFileSync(join(dir, '10-a.yml'), Buffer.from([0x76, 0x65, 0xff, 0xfe]));
    expect(await problems({})).toEqual(['10-a.yml: the file is not valid UTF-8']);
  });
});

describe('the shipped rules/ directory', () => {
  const shipped = join(__dirname, '..', '..', 'rules');

  test('loads cleanly', async () => {
    expect(await checkRules(shipped)).toEqual([]);
    const rules = await loadRules(shipped);
    expect(rules.files.map((f) => f.replace(`${shipped}/`, ''))).toEqual([
      '00-defaults.yml',
      '50-example.yml',
      '60-oncall.yml',
      '80-rollback.yml',
    ]);
    expect(rules.targets.map((t) => t.name)).toEqual(['example-webhook']);
    expect(rules.roles.map((r) => r.name)).toEqual(['example-deployers']);
    expect(rules.windows.map((w) => w.label)).toEqual(['business-hours']);
    expect(rules.maintenance.map((m) => m.name)).toEqual(['example-db-upgrade']);
  });

  test('routes the firing-3-alerts fixture: critical in prod -> P1 in #alerts-critical, warning -> P2', async () => {
    const rules = await loadRules(shipped);
    const fixture = join(__dirname, '..', '..', 'test', 'fixtures', 'alertmanager', 'firing-3-alerts.json');
    const { alerts } = JSON.parse(readFileSync(fixture, 'utf8')) as {
      alerts: Parameters<typeof routeAlert>[1][];
    };
    const routed = alerts.map((a) => routeAlert(rules, a));
    expect(routed.map((r) => [r.priority, r.channel])).toEqual([
      ['P1', '#alerts-critical'],
      ['P1', '#alerts-critical'],
      ['P2', '#alerts'],
    ]);
    expect(routed[0]!.mentions).toEqual(['<!here>']);
  });

  test('Watchdog is fluff: P4, not posted, nobody pinged', async () => {
    const r = routeAlert(await loadRules(shipped), {
      labels: { alertname: 'Watchdog', severity: 'critical', cluster: 'prod' },
      annotations: {},
    });
    expect(r).toMatchObject({
      priority: 'P4',
      notify: false,
      mentions: [],
      matched: [{ rule: 'heartbeat', weight: -1000 }],
    });
  });

  test('info alerts outside prod are P4, info in prod is P3', async () => {
    const rules = await loadRules(shipped);
    expect(routeAlert(rules, { labels: { severity: 'info' }, annotations: {} }).priority).toBe('P4');
    expect(
      routeAlert(rules, { labels: { severity: 'info', env: 'prod-eu' }, annotations: {} }).priority,
    ).toBe('P3');
  });
});
