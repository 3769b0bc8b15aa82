import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as vm from 'node:vm';
import type Redis from 'ioredis';
import type { Db } from '../../src/store/db';
import { createPgliteDb } from '../../src/store/embedded/pglite-db';
import { migrate } from '../../src/store/migrations';
import { createPgDb } from '../../src/store/postgres/pg-db';
import { connectRedis } from '../../src/store/redis/connect';
import { pgliteTemplate } from './pglite-template';

/**
 * Real PostgreSQL and Redis for contract tests. Reachability is probed synchronously at module load so a
 * suite can choose describe or describe.skip. With CI=true an unreachable service fails the run (a
 * contract that silently skipped proves nothing); locally the suite is skipped with a warning.
 */
export const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export function requirePostgres(): boolean {
  return requireService('PostgreSQL', POSTGRES_URL, 5432, 'TEST_DATABASE_URL');
}

export function requireRedis(): boolean {
  return requireService('Redis', REDIS_URL, 6379, 'TEST_REDIS_URL');
}

function requireService(name: string, url: string, defaultPort: number, envVar: string): boolean {
  const { hostname, port } = new URL(url);
  const target = `${hostname || '127.0.0.1'}:${port || defaultPort}`;
  if (canConnect(hostname || '127.0.0.1', Number(port || defaultPort))) return true;
  const why = `${name} is not reachable at ${target} (set ${envVar} to point elsewhere)`;
  if (process.env.CI === 'true') {
    throw new Error(`${why}. CI=true: contract tests against real ${name} must run, not skip.`);
  }
  console.warn(`${why}: skipping its contract tests locally.`);
  return false;
}

/** A TCP connect attempt in a child process: jest registers suites synchronously, so this must block. */
function canConnect(host: string, port: number): boolean {
  const probe = `const s=require('node:net').connect(${port},${JSON.stringify(host)});
    s.setTimeout(5000,()=>process.exit(1));s.on('connect',()=>process.exit(0));s.on('error',()=>process.exit(1));`;
  // a loaded CI machine can take seconds just to start the probe: allow it, and ask twice before saying no
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      execFileSync(process.execPath, ['-e', probe], { stdio: 'ignore', timeout: 20_000 });
      return true;
    } catch {}
  }
  return false;
}

/**
 * An in-memory embedded database, migrated unless told otherwise. PGlite loads Node built-ins with import(),
 * which jest's module sandbox only allows when node runs with --experimental-vm-modules; without it every
 * query fails with an obscure "dynamic import callback" error, so say what to do instead.
 */
export async function openPglite(opts: { migrate?: boolean } = {}): Promise<Db> {
  requirePgliteSupport();
  const template = pgliteTemplate();
  const db = await createPgliteDb(template ? { template } : {});
  if (opts.migrate ?? true) await migrate(db);
  return db;
}

export function requirePgliteSupport(): void {
  if (typeof (vm as { SourceTextModule?: unknown }).SourceTextModule !== 'function') {
    throw new Error(
      'PGlite under jest needs node --experimental-vm-modules: run NODE_OPTIONS=--experimental-vm-modules npx jest',
    );
  }
}

export const randomName = (prefix: string): string => `${prefix}_${randomBytes(6).toString('hex')}`;

export interface TestPostgres {
  schema: string;
  /** A new pool on the test schema, migrated; closed by drop(). */
  open(opts?: { max?: number; migrate?: boolean }): Promise<Db>;
  /** Closes every pool opened here and drops the schema. */
  drop(): Promise<void>;
}

/** A random schema on the test database, so parallel test files never see each other's rows. */
export function testPostgres(): TestPostgres {
  const schema = randomName('mogo_test');
  const opened: Db[] = [];
  return {
    schema,
    async open(opts = {}) {
      const db = await createPgDb({ connectionString: POSTGRES_URL, schema, max: opts.max ?? 10 });
      opened.push(db);
      if (opts.migrate ?? true) await migrate(db);
      return db;
    },
    async drop() {
      for (const db of opened.splice(0)) await db.close();
      const admin = await createPgDb({ connectionString: POSTGRES_URL, max: 1 });
      try {
        await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await admin.close();
      }
    },
  };
}

export interface TestRedis {
  url: string;
  prefix: string;
  client(): Promise<Redis>;
  /** Deletes every key under the prefix and disconnects. */
  cleanup(): Promise<void>;
}

/** A Redis client plus a random key prefix for one test file. */
export function testRedis(): TestRedis {
  const prefix = `${randomName('mogo_test')}:`;
  let redis: Redis | undefined;
  return {
    url: REDIS_URL,
    prefix,
    async client() {
      redis ??= await connectRedis(REDIS_URL);
      return redis;
    },
    async cleanup() {
      if (!redis) return;
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
        if (keys.length > 0) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
      await redis.quit();
      redis = undefined;
    },
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `fn` returns true (for effects of timers the test does not control). */
export async function eventually(fn: () => Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(20);
  }
}
