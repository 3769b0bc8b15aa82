import { createLogger } from '../../src/logger';
import { createSchemaGuard, type SchemaGuard } from '../../src/schema-guard';
import type { Db } from '../../src/store/db';
import { readSchemaVersion, SHIPPED_SCHEMA_VERSION } from '../../src/store/migrations';

/**
 * The real schema guard reading an in-process app's database (`db()` is read at each check, so the guard can be
 * built before the app it gates), and a way to play the newer mogo that migrates that database under it.
 */
export function dbSchemaGuard(db: () => Db): {
  guard: SchemaGuard;
  /** Records (true) or removes (false) a migration newer than this code, then has the guard check at once. */
  setAhead(ahead: boolean): Promise<void>;
} {
  const guard = createSchemaGuard({
    shipped: SHIPPED_SCHEMA_VERSION,
    read: () => readSchemaVersion(db()),
    everyMs: 60_000,
    logger: createLogger('silent'),
  });
  return {
    guard,
    async setAhead(ahead) {
      if (ahead)
        await db().query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
          SHIPPED_SCHEMA_VERSION + 1,
          'from_the_future',
        ]);
      else await db().query('DELETE FROM schema_migrations WHERE version = $1', [SHIPPED_SCHEMA_VERSION + 1]);
      await guard.check();
    },
  };
}
