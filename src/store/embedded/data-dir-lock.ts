import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../errors';

const LOCK_FILE = 'mogo.pid';

/**
 * PGlite is a single-process database: two processes opening the same data directory corrupt it. The first
 * `mogo serve` takes the directory with a pid file; a second is refused with a clear message. A pid file left
 * by a process that no longer runs (a crash, kill -9) is taken over.
 */
export function lockDataDir(dataDir: string): () => void {
  const path = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) {
        throw new AppError(
          'STORE_UNAVAILABLE',
          `the embedded database in ${dataDir} is in use by another mogo process (pid ${holder}); ` +
            'stop it, use another DATA_DIR, or set DATABASE_URL to share a PostgreSQL between replicas',
          { retryable: false },
        );
      }
      rmSync(path, { force: true });
    }
  }
  throw new AppError('STORE_UNAVAILABLE', `could not lock ${path}`, { retryable: false });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
