import { PGlite } from '@electric-sql/pglite';
import { nextTurn } from '../../yielding';
import { createMutex, type Db, type Queryable, toStoreError } from '../db';
import { lockDataDir } from './data-dir-lock';
import { initDataDirApart, needsInit, PGLITE_START_PARAMS } from './pglite-init';
import { createVacuumCounter, type VacuumPolicy } from './pglite-vacuum';

export interface PgliteDbOptions {
  /** Directory holding the database files; undefined keeps everything in memory (tests). */
  dataDir?: string;
  /** Called before a data directory with no database in it is initialised (a few seconds, first start only). */
  onCreate?: (dataDir: string) => void;
  /**
   * An in-memory database only: start from this dump of an initialised cluster (PGlite's dumpDataDir) instead of
   * running initdb, which is most of the seconds a new database costs. The test suite opens hundreds.
   */
  template?: Blob;
  /** When to vacuum (PGlite has no autovacuum); see pglite-vacuum.ts. */
  vacuum?: VacuumPolicy;
  /** Told how long each vacuum took, or why it failed (the log). */
  onVacuum?: (result: { table: string } & ({ ms: number } | { error: unknown })) => void;
}

/**
 * Embedded PostgreSQL (PGlite, WASM) for the zero-setup default. It has one connection, so transactions are
 * serialised here: a second tx() starts only after the first committed or rolled back.
 */
export async function createPgliteDb(opts: PgliteDbOptions = {}): Promise<Db> {
  const unlock = opts.dataDir === undefined ? () => {} : lockDataDir(opts.dataDir);
  let pg: PGlite;
  try {
    if (opts.dataDir !== undefined && needsInit(opts.dataDir)) {
      opts.onCreate?.(opts.dataDir);
      await initDataDirApart(opts.dataDir);
    }
    pg = await PGlite.create({
      ...(opts.dataDir === undefined ? {} : { dataDir: opts.dataDir }),
      ...(opts.dataDir === undefined && opts.template ? { loadDataDir: opts.template } : {}),
      startParams: [...PGLITE_START_PARAMS],
    });
  } catch (err) {
    unlock();
    throw toStoreError(err);
  }
  const exclusive = createMutex();
  const vacuum = createVacuumCounter(opts.vacuum);

  // PGlite runs each query synchronously on this thread and resolves it in a microtask, so a chain of awaited
  // queries (a 10,000-alert transaction writes its alerts in 20 statements) would never let the event loop turn:
  // /healthz and Slack's acks would wait for the whole chain. A turn before each query bounds the wait to one.
  const run = async <T>(target: Pick<PGlite, 'query'>, sql: string, params?: readonly unknown[]) => {
    await nextTurn();
    try {
      const res = await target.query<T>(sql, params as unknown[] | undefined);
      vacuum.note(sql, res.affectedRows);
      return { rows: res.rows };
    } catch (err) {
      throw toStoreError(err);
    }
  };

  // VACUUM cannot run inside a transaction: it takes the transactions' turn, after the one that made it due; one
  // table per statement, each after a turn of the event loop like any query
  const vacuumIfDue = () => {
    const tables = vacuum.take();
    if (tables.length === 0) return;
    void exclusive(async () => {
      for (const table of tables) {
        const t0 = performance.now();
        try {
          await run(pg, `VACUUM ${table}`);
          opts.onVacuum?.({ table, ms: performance.now() - t0 });
        } catch (error) {
          opts.onVacuum?.({ table, error });
        }
      }
    });
  };

  return {
    query: async <T>(sql: string, params?: readonly unknown[]) => {
      const res = await run<T>(pg, sql, params);
      vacuumIfDue();
      return res;
    },
    tx: (fn) =>
      exclusive(async () => {
        try {
          return await pg.transaction(async (t) => {
            const q: Queryable = { query: (sql, params) => run(t, sql, params) };
            return fn(q);
          });
        } catch (err) {
          throw toStoreError(err);
        }
      }).finally(vacuumIfDue),
    close: () =>
      exclusive(async () => {
        if (!pg.closed) await pg.close();
        unlock();
      }),
  };
}
