import { loadConfig } from '../config';
import type { Db } from '../store/db';

/**
 * The database `mogo serve` uses, from the same environment (DATABASE_URL, else the embedded one in DATA_DIR,
 * which only one process can open: stop mogo first). Read-only use: no migration.
 */
export async function openAuditDb(env: Record<string, string | undefined>): Promise<Db> {
  const config = loadConfig(env);
  // required here, not imported at the top: `mogo serve` loads this file too and needs only one of them
  if (config.databaseUrl) {
    const { createPgDb } = require('../store/postgres/pg-db') as typeof import('../store/postgres/pg-db');
    return createPgDb({ connectionString: config.databaseUrl, max: 1 });
  }
  const { createPgliteDb } =
    require('../store/embedded/pglite-db') as typeof import('../store/embedded/pglite-db');
  return createPgliteDb({ dataDir: config.dataDir });
}
