import type { Db, Queryable } from '../db';
import type { Migration } from './migration';
import { BASE_TABLES } from './v01-base-tables';
import { OUTBOX_AND_AUDIT_CHAIN } from './v05-outbox-and-audit-chain';
import { SILENCES_AND_ONCALL } from './v07-silences-and-oncall';
import { GROUP_ALERTS } from './v09-group-alerts';
import { INCIDENTS } from './v10-incidents';

export type { Migration } from './migration';

/**
 * Every migration, in version order. Append-only: never edit a released migration, add a new one (a new file
 * named by its version, e.g. v11-....ts, listed last here). Everything is created in the connection's current
 * schema (search_path), which is how tests and shared databases isolate themselves.
 */
export const MIGRATIONS: readonly Migration[] = [
  ...BASE_TABLES,
  ...OUTBOX_AND_AUDIT_CHAIN,
  ...SILENCES_AND_ONCALL,
  ...GROUP_ALERTS,
  ...INCIDENTS,
];

/** The schema this code was written for: the version of the last migration it ships. */
export const SHIPPED_SCHEMA_VERSION = Math.max(...MIGRATIONS.map((m) => m.version));

/**
 * The highest version recorded in schema_migrations: one cheap query, asked at start-up and then every few
 * seconds, so a replica learns that a newer one migrated the database under it (the schema guard, main.ts).
 */
export async function readSchemaVersion(q: Queryable): Promise<number> {
  const { rows } = await q.query<{ v: number }>(
    'SELECT coalesce(max(version), 0)::int AS v FROM schema_migrations',
  );
  return rows[0]?.v ?? 0;
}

/** Arbitrary constant namespacing mogo's advisory locks; the second key is the schema, so schemas don't wait. */
const MIGRATION_LOCK = 0x6d6f676f; // "mogo"

async function lockMigrations(q: Queryable): Promise<void> {
  await q.query('SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))', [MIGRATION_LOCK]);
}

/**
 * Applies every migration not yet recorded in schema_migrations, each in its own transaction under a
 * transaction-scoped advisory lock, so replicas starting together apply each one exactly once.
 * Returns the versions applied by this call. A database already past the last of `migrations` (a newer mogo
 * migrated it) is left alone: an older process never runs its migrations on a schema it does not know.
 */
export async function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  const last = Math.max(0, ...migrations.map((m) => m.version));
  const ahead = await db.tx(async (q) => {
    await lockMigrations(q);
    const { rows } = await q.query<{ t: string | null }>(
      `SELECT to_regclass('schema_migrations')::text AS t`,
    );
    if (rows[0]?.t == null) {
      await q.query(`CREATE TABLE schema_migrations (
        version int PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
    }
    return (await readSchemaVersion(q)) > last;
  });
  if (ahead) return [];

  const applied: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    const done = await db.tx(async (q) => {
      await lockMigrations(q);
      const { rows } = await q.query('SELECT 1 FROM schema_migrations WHERE version = $1', [m.version]);
      if (rows.length > 0) return false;
      for (const sql of m.statements) await q.query(sql);
      await q.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      return true;
    });
    if (done) applied.push(m.version);
  }
  return applied;
}
