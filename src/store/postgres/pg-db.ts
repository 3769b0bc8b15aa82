import { Pool, type PoolClient } from 'pg';
import { assertSchemaName, type Db, type Queryable, toStoreError } from '../db';

export interface PgDbOptions {
  connectionString: string;
  /** Private schema for every table (created if missing); set as search_path on each connection. */
  schema?: string;
  /** Pool size (default 10). */
  max?: number;
  /** How long a request waits for a connection before failing with STORE_UNAVAILABLE (default 5 s). */
  connectionTimeoutMs?: number;
  /** Errors on idle pooled connections (a server restart, a network cut); the pool replaces them itself. */
  onIdleError?: (err: Error) => void;
}

/** PostgreSQL through a pg.Pool. Resolves once a first connection worked (and the schema exists). */
export async function createPgDb(opts: PgDbOptions): Promise<Db> {
  if (opts.schema !== undefined) assertSchemaName(opts.schema);
  const pool = new Pool({
    connectionString: opts.connectionString,
    max: opts.max ?? 10,
    connectionTimeoutMillis: opts.connectionTimeoutMs ?? 5_000,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    ...(opts.schema === undefined ? {} : { options: `-c search_path=${opts.schema}` }),
  });
  pool.on('error', (err) => opts.onIdleError?.(err));

  const run = async <T>(client: Pool | PoolClient, sql: string, params?: readonly unknown[]) => {
    try {
      const res = await client.query(sql, params as unknown[] | undefined);
      return { rows: res.rows as T[] };
    } catch (err) {
      throw toStoreError(err);
    }
  };

  let closed = false;
  const db: Db = {
    query: (sql, params) => run(pool, sql, params),

    async tx(fn) {
      let client: PoolClient;
      try {
        client = await pool.connect();
      } catch (err) {
        throw toStoreError(err);
      }
      let broken: Error | undefined;
      // a checked-out client has no pool listener: without ours, a server-side disconnect crashes the process
      const onError = (err: Error) => {
        broken = err;
      };
      client.on('error', onError);
      try {
        await run(client, 'BEGIN');
        const q: Queryable = { query: (sql, params) => run(client, sql, params) };
        const result = await fn(q);
        await run(client, 'COMMIT');
        return result;
      } catch (err) {
        if (!broken) {
          await client.query('ROLLBACK').catch((rollbackErr: Error) => {
            broken = rollbackErr;
          });
        }
        throw toStoreError(err);
      } finally {
        // a connection whose ROLLBACK failed is in an unknown state: destroy it instead of reusing it
        client.off('error', onError);
        client.release(broken);
      }
    },

    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };

  try {
    if (opts.schema !== undefined) await createSchema(db, opts.schema);
    else await db.query('SELECT 1');
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
  return db;
}

async function createSchema(db: Db, schema: string): Promise<void> {
  try {
    await db.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  } catch (err) {
    // two replicas creating it at once: IF NOT EXISTS is not atomic, the loser sees a duplicate
    const code = (err as { code?: string }).code;
    if (code !== '23505' && code !== '42P06') throw err;
  }
}
