import { loadConfig } from '../config';
import type { Db } from '../store/db';
import { createPgliteDb } from '../store/embedded/pglite-db';
import { createPgDb } from '../store/postgres/pg-db';

/**
 * The database `mogo serve` uses, from the same environment (DATABASE_URL, else the embedded one in DATA_DIR,
 * which only one process can open: stop mogo first). Read-only use: no migration.
 */
export async function openAuditDb(env: Record<string, string | undefined>): Promise<Db> {
  const config = loadConfig(env);
  return config.databaseUrl
    ? createPgDb({ connectionString: config.databaseUrl, max: 1 })
    : createPgliteDb({ dataDir: config.dataDir });
}
