import { AppError } from '../../src/errors';
import type { Db } from '../../src/store/db';
import { MIGRATIONS, migrate } from '../../src/store/migrations';
import { createPgDb } from '../../src/store/postgres/pg-db';
import { openPglite, POSTGRES_URL, requirePostgres, sleep, testPostgres } from '../helpers/services';

// migrate() applies them in version order, whatever order they are listed in
const ALL_VERSIONS = MIGRATIONS.map((m) => m.version).sort((a, b) => a - b);

/** The Db drivers and migrate(): the same behaviour on PGlite and PostgreSQL. */
function dbContract(name: string, fresh: () => Promise<Db>, second: (db: Db) => Promise<Db>): void {
  describe(`Db and migrations (${name})`, () => {
    test('migrate() applies every migration once; a second run is a no-op', async () => {
      const db = await fresh();
      expect(await migrate(db)).toEqual(ALL_VERSIONS);
      expect(await migrate(db)).toEqual([]);
      const { rows } = await db.query<{ version: number }>(
        'SELECT version FROM schema_migrations ORDER BY 1',
      );
      expect(rows.map((r) => r.version)).toEqual(ALL_VERSIONS);
    });

    test('concurrent migrate() calls (two replicas starting) apply each migration exactly once', async () => {
      const a = await fresh();
      const b = await second(a);
      const results = await Promise.all([migrate(a), migrate(b), migrate(a), migrate(b)]);
      expect(results.flat().sort((x, y) => x - y)).toEqual(ALL_VERSIONS);
      const { rows } = await a.query('SELECT version FROM schema_migrations');
      expect(rows).toHaveLength(ALL_VERSIONS.length);
    });

    test('tx commits on success and rolls back on error', async () => {
      const db = await fresh();
      await db.query('CREATE TABLE t (n int PRIMARY KEY)');
      await db.tx(async (q) => {
        await q.query('INSERT INTO t VALUES (1)');
      });
      await expect(
        db.tx(async (q) => {
          await q.query('INSERT INTO t VALUES (2)');
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      const { rows } = await db.query<{ n: number }>('SELECT n FROM t');
      expect(rows).toEqual([{ n: 1 }]);
    });

    test('statement errors keep their SQLSTATE and are not reported as unavailability', async () => {
      const db = await fresh();
      await db.query('CREATE TABLE u (n int PRIMARY KEY)');
      await db.query('INSERT INTO u VALUES (1)');
      const err = await db.query('INSERT INTO u VALUES (1)').catch((e: unknown) => e);
      expect(err).not.toBeInstanceOf(AppError);
      expect(err).toMatchObject({ code: '23505' });
    });
  });
}

let shared: Db | undefined;
dbContract(
  'PGlite',
  async () => {
    // creating an embedded database runs initdb (seconds): reuse one, emptied
    shared ??= await openPglite({ migrate: false });
    await shared.query('DROP SCHEMA public CASCADE');
    await shared.query('CREATE SCHEMA public');
    return shared;
  },
  async (db) => db, // one embedded database has one connection: "replicas" share it
);

describe('PGlite specifics', () => {
  afterAll(() => shared?.close());

  test('concurrent transactions never interleave on the single connection', async () => {
    shared ??= await openPglite({ migrate: false });
    const db = shared;
    await db.query('CREATE TABLE c (n int)');
    await db.query('INSERT INTO c VALUES (0)');
    // read-modify-write without row locks: only strict serialisation keeps every increment
    await Promise.all(
      Array.from({ length: 5 }, () =>
        db.tx(async (q) => {
          const { rows } = await q.query<{ n: number }>('SELECT n FROM c');
          await sleep(5);
          await q.query('UPDATE c SET n = $1', [rows[0]!.n + 1]);
        }),
      ),
    );
    expect((await db.query<{ n: number }>('SELECT n FROM c')).rows[0]!.n).toBe(5);
  });

  test('a closed database reports STORE_UNAVAILABLE', async () => {
    const db = shared!;
    shared = undefined;
    await db.close();
    await expect(db.query('SELECT 1')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', retryable: true });
    await expect(db.tx(async () => 1)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    await db.close(); // idempotent
  });
});

const pg = testPostgres();
(requirePostgres() ? describe : describe.skip)('PostgreSQL', () => {
  const schemas: ReturnType<typeof testPostgres>[] = [pg];
  afterAll(() => Promise.all(schemas.map((s) => s.drop())));

  dbContract(
    'PostgreSQL',
    async () => {
      const s = testPostgres();
      schemas.push(s);
      return s.open({ migrate: false });
    },
    async () => schemas.at(-1)!.open({ migrate: false }),
  );

  test('a refused connection is STORE_UNAVAILABLE', async () => {
    await expect(
      createPgDb({ connectionString: 'postgres://postgres@127.0.0.1:1/test' }),
    ).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
      httpStatus: 503,
    });
  });

  test('an exhausted pool fails within connectionTimeoutMs as STORE_UNAVAILABLE', async () => {
    const db = await createPgDb({
      connectionString: POSTGRES_URL,
      schema: pg.schema,
      max: 1,
      connectionTimeoutMs: 200,
    });
    let release!: () => void;
    const held = db.tx(() => new Promise<void>((resolve) => (release = resolve)));
    await sleep(50);
    await expect(db.query('SELECT 1')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    release();
    await held;
    await db.close();
  });

  test('a connection terminated by the server (57P01) is STORE_UNAVAILABLE; the pool recovers', async () => {
    const db = await pg.open({ max: 2, migrate: false });
    const admin = await pg.open({ max: 1, migrate: false });
    const err = await db
      .tx(async (q) => {
        const { rows } = await q.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
        await q.query('SELECT 1');
      })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'STORE_UNAVAILABLE', retryable: true });
    expect((await db.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  test('an invalid schema name is refused before connecting', async () => {
    await expect(createPgDb({ connectionString: POSTGRES_URL, schema: 'x"; DROP' })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
    });
  });
});
