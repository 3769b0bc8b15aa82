import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../errors';

/** Settings every PGlite start uses; the defaults of PGlite plus a smaller buffer pool (see below). */
export const PGLITE_START_PARAMS: readonly string[] = [
  '--single',
  '-F',
  '-O',
  '-j',
  '-c',
  'search_path=public',
  '-c',
  'exit_on_error=false',
  '-c',
  'log_checkpoints=false',
  '-c',
  'max_worker_processes=0',
  '-c',
  'max_parallel_workers=0',
  '-c',
  'max_parallel_workers_per_gather=0',
  '-c',
  'io_method=sync',
  '-c',
  'max_parallel_maintenance_workers=0',
  // PostgreSQL's default 128 MB of shared buffers is all resident WASM memory in an embedded database that
  // holds a few MB of alerts; 8 MB saves ~110 MB of RSS (bench/startup.js; 16 MB cost 5-7 MB more than 8).
  '-c',
  'shared_buffers=8MB',
];

/** True when dataDir holds no database yet (PostgreSQL writes PG_VERSION when it creates one). */
export function needsInit(dataDir: string): boolean {
  return !existsSync(join(dataDir, 'PG_VERSION'));
}

/**
 * Creates the database files in a child process. Running initdb in this process leaves its WASM memory and
 * compiled code behind (RSS ~800 MB after a first start instead of ~150 MB); a process that exits returns it.
 */
export async function initDataDirApart(dataDir: string): Promise<void> {
  const pglite = require.resolve('@electric-sql/pglite');
  const script = `
    const { PGlite } = require(process.argv[1]);
    PGlite.create({ dataDir: process.argv[2], startParams: JSON.parse(process.argv[3]) })
      .then((pg) => pg.close())
      .catch((err) => { console.error(String(err && err.message || err)); process.exit(1); });`;
  const child = spawn(
    process.execPath,
    ['--liftoff-only', '-e', script, pglite, dataDir, JSON.stringify(PGLITE_START_PARAMS)],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) {
    throw new AppError(
      'STORE_UNAVAILABLE',
      `could not create the embedded database in ${dataDir}: ${stderr.trim() || `exit ${code}`}`,
      { retryable: false },
    );
  }
}
