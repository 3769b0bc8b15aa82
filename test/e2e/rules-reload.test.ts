import { copyFile, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BotProcess, REPO_ROOT, startBot } from '../helpers/bot-process';

// a bot process starts (a first start creates its embedded database) on a 2-core CI machine shared with
// the rest of the suite: give it room, the assertions inside still wait for conditions, not for time
jest.setTimeout(90_000);

/** Hot reload in the running process: a bad change is rejected and the rules in force stay; SIGHUP reloads. */
describe('rules hot reload (bot process)', () => {
  let rulesDir: string;
  let dataDir: string;
  let bot: BotProcess;
  const msg = (l: Record<string, unknown>) => String(l.msg ?? '');

  beforeAll(async () => {
    rulesDir = await mkdtemp(join(tmpdir(), 'mogo-rules-'));
    dataDir = await mkdtemp(join(tmpdir(), 'mogo-data-'));
    for (const f of await readdir(join(REPO_ROOT, 'rules'))) {
      if (f.endsWith('.yml')) await copyFile(join(REPO_ROOT, 'rules', f), join(rulesDir, f));
    }
    bot = await startBot({ RULES_DIR: rulesDir, DATA_DIR: dataDir, LOG_LEVEL: 'debug' });
    await bot.waitForLog((l) => msg(l).startsWith('watching the rule directory'), 10_000);
  });
  afterAll(async () => {
    if (bot?.exitCode === null) await bot.stop();
    await rm(rulesDir, { recursive: true, force: true });
    await rm(dataDir, { recursive: true, force: true });
  });

  it('rejects an invalid change, keeps the rules in force, and reloads a good one', async () => {
    await writeFile(join(rulesDir, '90-new.yml'), 'version: 1\nrules:\n  - name: broken\n    weight: lots\n');
    const rejected = await bot.waitForLog((l) => msg(l).startsWith('rules change rejected'), 10_000);
    expect(rejected.reason).toBe('file change');
    expect(bot.rawLogs().join('\n')).toMatch(/90-new\.yml:4:13: /);
    const metrics = await (await fetch(`${bot.url}/metrics`)).text();
    expect(metrics).toMatch(/mogo_rules_reloads_total\{result="rejected"\} 1/);
    expect((await fetch(`${bot.url}/readyz`)).status).toBe(200);

    await writeFile(join(rulesDir, '90-new.yml'), 'version: 1\nrules:\n  - name: fixed\n    weight: 1\n');
    const reloaded = await bot.waitForLog((l) => msg(l).startsWith('rules reloaded'), 10_000);
    expect(reloaded.files).toContain(join(rulesDir, '90-new.yml'));
  });

  it('reloads on SIGHUP and keeps running', async () => {
    process.kill(bot.pid, 'SIGHUP');
    const line = await bot.waitForLog((l) => l.reason === 'SIGHUP', 10_000);
    expect(msg(line)).toBe('rules unchanged');
    expect(bot.exitCode).toBeNull();
    expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);
  });
});
