import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../logger';
import type { AuditEntry } from '../ports';
import { loadRules } from '.';
import { createRulesReloader, type RulesReloader } from './reload';
import { routeAlert } from './route';
import type { RuleSet } from './types';

const GOOD_A = 'version: 1\nrules:\n  - name: a\n    weight: 10\n    channel: "#a"\n';
const GOOD_B = 'version: 1\nrules:\n  - name: b\n    weight: 20\n    channel: "#b"\n';
const BAD = 'version: 1\nrules:\n  - name: a\n    wieght: 10\n';

let root: string;
let dir: string;
let audit: AuditEntry[];
let logs: Record<string, unknown>[];
let metrics: string[];
let reloader: RulesReloader | undefined;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'mogo-reload-'));
  dir = join(root, 'rules');
  mkdirSync(dir);
  writeFileSync(join(dir, '10-a.yml'), GOOD_A);
  audit = [];
  logs = [];
  metrics = [];
});
afterEach(async () => {
  await reloader?.stop();
  reloader = undefined;
  rmSync(root, { recursive: true, force: true });
});

async function start(opts: { watch?: boolean; onReload?: (next: RuleSet) => void } = {}) {
  const logger = createLogger('debug', { write: (line: string) => logs.push(JSON.parse(line)) });
  reloader = createRulesReloader({
    dir,
    initial: await loadRules(dir),
    logger,
    audit: { append: (e) => audit.push(e) },
    metrics: { reloaded: (result) => metrics.push(result) },
    debounceMs: 30,
    ...(opts.onReload ? { onReload: opts.onReload } : {}),
  });
  if (opts.watch) reloader.start();
  return reloader;
}

async function until(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const channelOf = (r: RulesReloader) => routeAlert(r.current(), { labels: {}, annotations: {} }).channel;

describe('reload() (what SIGHUP calls)', () => {
  test('a good change is swapped in and audited as rules.reloaded with the digest and files', async () => {
    const seen: RuleSet[] = [];
    const r = await start({ onReload: (next) => seen.push(next) });
    const before = r.current().digest;
    writeFileSync(join(dir, '10-a.yml'), GOOD_B);
    expect(await r.reload('SIGHUP')).toBe(true);
    expect(channelOf(r)).toBe('#b');
    expect(audit).toEqual([
      {
        actor: 'mogo',
        action: 'rules.reloaded',
        subject: `rules:${dir}`,
        details: {
          reason: 'SIGHUP',
          digest: r.current().digest,
          previousDigest: before,
          files: [join(dir, '10-a.yml')],
        },
      },
    ]);
    expect(metrics).toEqual(['ok']);
    expect(seen).toEqual([r.current()]);
    expect(logs).toContainEqual(
      expect.objectContaining({ msg: expect.stringMatching(/^rules reloaded \(SIGHUP\)/) }),
    );
  });

  test('nothing changed: true, and no audit row', async () => {
    const r = await start();
    const before = r.current();
    expect(await r.reload('SIGHUP')).toBe(true);
    expect(r.current()).toBe(before);
    expect(audit).toEqual([]);
    expect(metrics).toEqual([]);
  });

  test('a bad change is rejected: one log line per problem, a metric, a rules.rejected row; the old rules stay', async () => {
    const r = await start();
    const before = r.current();
    writeFileSync(join(dir, '10-a.yml'), BAD);
    writeFileSync(join(dir, '20-b.yml'), 'version: 7\n');
    expect(await r.reload('SIGHUP')).toBe(false);
    expect(r.current()).toBe(before);
    const problems = [
      `${join(dir, '10-a.yml')}:4:5: rule "a": unknown field "wieght" (did you mean "weight"?); allowed: name, match, weight, multiply, when, boost, channel, mentions, notify, rollup, rollback_target, continue, team, escalation`,
      `${join(dir, '20-b.yml')}:1:10: unsupported version 7; supported versions: 1`,
    ];
    expect(audit).toEqual([
      {
        actor: 'mogo',
        action: 'rules.rejected',
        subject: `rules:${dir}`,
        details: {
          reason: 'SIGHUP',
          problems,
          digest: expect.stringMatching(/^[0-9a-f]{64}$/),
          inForce: before.digest,
        },
      },
    ]);
    expect(metrics).toEqual(['rejected']);
    const errors = logs.filter((l) => l.level === 50).map((l) => l.msg);
    expect(errors).toEqual(problems);
    expect(logs).toContainEqual(
      expect.objectContaining({
        level: 40,
        msg: expect.stringMatching(/^rules change rejected \(SIGHUP\): 2 problems/),
      }),
    );
  });

  test('the same bad content again is logged but not audited twice; a different one is', async () => {
    const r = await start();
    writeFileSync(join(dir, '10-a.yml'), BAD);
    await r.reload('SIGHUP');
    await r.reload('SIGHUP');
    expect(audit.map((a) => a.action)).toEqual(['rules.rejected']);
    writeFileSync(join(dir, '10-a.yml'), `${BAD}# edited\n`);
    await r.reload('SIGHUP');
    expect(audit.map((a) => a.action)).toEqual(['rules.rejected', 'rules.rejected']);
    writeFileSync(join(dir, '10-a.yml'), GOOD_B);
    expect(await r.reload('SIGHUP')).toBe(true);
    expect(metrics).toEqual(['rejected', 'rejected', 'ok']);
  });

  test('a missing directory is rejected too, and the rules in force stay', async () => {
    const r = await start();
    rmSync(dir, { recursive: true });
    expect(await r.reload('SIGHUP')).toBe(false);
    expect(channelOf(r)).toBe('#a');
    expect(audit[0]!.details!.problems).toEqual([`${dir}: rule directory does not exist`]);
  });

  test('requests made while a reload waits share it; reloads never overlap', async () => {
    const r = await start();
    writeFileSync(join(dir, '10-a.yml'), GOOD_B);
    const first = r.reload('one');
    const second = r.reload('two');
    const third = r.reload('three');
    expect(second).toBe(third);
    expect(await Promise.all([first, second, third])).toEqual([true, true, true]);
    expect(audit).toHaveLength(1);
  });
});

describe('routing while reloads happen', () => {
  test('every routeAlert sees one complete rule set, the old or the new, never a mix', async () => {
    const many = (prefix: string, weight: number, channel: string) =>
      `version: 1\nrules:\n${Array.from({ length: 50 }, (_, i) => `  - name: ${prefix}${i}\n    weight: ${weight}\n    channel: "${channel}"\n`).join('')}`;
    writeFileSync(join(dir, '10-a.yml'), many('a', 1, '#a'));
    const r = await start();
    const seen = new Set<string>();
    let routing = true;
    const router = (async () => {
      while (routing) {
        const x = routeAlert(r.current(), { labels: {}, annotations: {} });
        seen.add(`${x.score} ${x.channel} ${x.matched.length}`);
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    for (let i = 0; i < 20; i++) {
      writeFileSync(join(dir, '10-a.yml'), i % 2 === 0 ? many('b', 2, '#b') : many('a', 1, '#a'));
      if (i % 5 === 0) writeFileSync(join(dir, '10-a.yml'), BAD); // a bad write in between
      await r.reload(`round ${i}`);
    }
    routing = false;
    await router;
    expect([...seen].sort()).toEqual(['100 #b 50', '50 #a 50']);
    expect(Object.isFrozen(r.current())).toBe(true);
    expect(Object.isFrozen(r.current().rules)).toBe(true);
  });
});

describe('watching the directory', () => {
  test('a changed file reloads after the debounce; a burst of writes is one reload', async () => {
    const r = await start({ watch: true });
    for (let i = 0; i < 5; i++) writeFileSync(join(dir, '10-a.yml'), `${GOOD_B}# ${i}\n`);
    await until(() => channelOf(r) === '#b', 'the reload');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(audit.map((a) => [a.action, a.details!.reason])).toEqual([['rules.reloaded', 'file change']]);
  });

  test("an editor's rename-write (temp file renamed over the original)", async () => {
    const r = await start({ watch: true });
    writeFileSync(join(dir, '.10-a.yml.swp'), GOOD_B);
    renameSync(join(dir, '.10-a.yml.swp'), join(dir, '10-a.yml'));
    await until(() => channelOf(r) === '#b', 'the reload');
    expect(audit.map((a) => a.action)).toContain('rules.reloaded');
    expect(audit.map((a) => a.action)).not.toContain('rules.rejected'); // nothing was rejected on the way
  });

  test('a bad save is rejected and audited; fixing it reloads', async () => {
    const r = await start({ watch: true });
    writeFileSync(join(dir, '10-a.yml'), BAD);
    await until(() => audit.length === 1, 'the rejection');
    expect(audit[0]!.action).toBe('rules.rejected');
    expect(channelOf(r)).toBe('#a');
    writeFileSync(join(dir, '10-a.yml'), GOOD_B);
    await until(() => channelOf(r) === '#b', 'the reload');
  });

  test('a Kubernetes ConfigMap update (the ..data symlink swapped)', async () => {
    rmSync(join(dir, '10-a.yml'));
    mkdirSync(join(dir, '..v1'));
    writeFileSync(join(dir, '..v1', '10-a.yml'), GOOD_A);
    symlinkSync('..v1', join(dir, '..data'));
    symlinkSync(join('..data', '10-a.yml'), join(dir, '10-a.yml'));
    const r = await start({ watch: true });
    expect(channelOf(r)).toBe('#a');
    mkdirSync(join(dir, '..v2'));
    writeFileSync(join(dir, '..v2', '10-a.yml'), GOOD_B);
    symlinkSync('..v2', join(dir, '..data_tmp'));
    renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
    await until(() => channelOf(r) === '#b', 'the reload');
  });

  test('the whole directory replaced: reloaded, and the new directory is watched', async () => {
    const r = await start({ watch: true });
    const next = join(root, 'rules-next');
    mkdirSync(next);
    writeFileSync(join(next, '10-a.yml'), GOOD_B);
    renameSync(dir, join(root, 'rules-old'));
    renameSync(next, dir);
    await until(() => channelOf(r) === '#b', 'the reload');
    writeFileSync(join(dir, '10-a.yml'), GOOD_A);
    await until(() => channelOf(r) === '#a', 'a reload from the new directory');
    expect(audit.map((a) => a.action)).not.toContain('rules.rejected'); // the swap was never read half-done
  });

  test('after stop(), changes are not picked up', async () => {
    const r = await start({ watch: true });
    await r.stop();
    writeFileSync(join(dir, '10-a.yml'), GOOD_B);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(channelOf(r)).toBe('#a');
    expect(audit).toEqual([]);
  });
});
