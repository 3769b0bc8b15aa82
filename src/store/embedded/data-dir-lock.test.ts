import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lockDataDir } from './data-dir-lock';

describe('lockDataDir', () => {
  const dir = () => mkdtempSync(join(tmpdir(), 'mogo-lock-'));

  it('takes the directory and gives it back', () => {
    const d = dir();
    const unlock = lockDataDir(d);
    expect(existsSync(join(d, 'mogo.pid'))).toBe(true);
    unlock();
    expect(existsSync(join(d, 'mogo.pid'))).toBe(false);
  });

  it('refuses while another live process holds it, naming the pid', async () => {
    const d = dir();
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 10000)']);
    try {
      writeFileSync(join(d, 'mogo.pid'), String(other.pid));
      expect(() => lockDataDir(d)).toThrow(`in use by another mogo process (pid ${other.pid})`);
    } finally {
      other.kill();
    }
  });

  it('takes over a pid file left by a process that is gone', () => {
    const d = dir();
    writeFileSync(join(d, 'mogo.pid'), '999999999');
    const unlock = lockDataDir(d);
    expect(readFileSync(join(d, 'mogo.pid'), 'utf8').trim()).toBe(String(process.pid));
    unlock();
    expect(existsSync(join(d, 'mogo.pid'))).toBe(false);
  });
});
