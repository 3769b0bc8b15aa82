import { Client } from 'pg';
import { ensurePgliteTemplate } from './pglite-template';

/**
 * Jest globalSetup: makes the PGlite template (pglite-template.ts), and creates the test database (TEST_DATABASE_URL, default postgres://…/test) when it is missing,
 * so `npm test` works on a machine with nothing but PostgreSQL and Redis running. It connects to the server's
 * `postgres` database to do so. An unreachable server is left to requirePostgres(), which skips locally and fails
 * under CI=true.
 */
export default async function globalSetup(): Promise<void> {
  await ensurePgliteTemplate();
  await createTestDatabase();
}

async function createTestDatabase(): Promise<void> {
  const url = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
  const name = decodeURIComponent(url.pathname.slice(1)) || 'test';
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString(), connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
  } catch {
    return;
  }
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) {
      await client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
      process.stderr.write(`\ncreated the test database "${name}" on ${url.host}\n`);
    }
  } catch (err) {
    // 42P04: another run created it meanwhile
    if ((err as { code?: string }).code !== '42P04') throw err;
  } finally {
    await client.end();
  }
}
