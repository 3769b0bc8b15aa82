import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { groupIdOf } from '../../src/domain/group';
import { createLogger } from '../../src/logger';
import { openStorage, type Storage } from '../../src/store';
import {
  POSTGRES_URL,
  REDIS_URL,
  requirePgliteSupport,
  requirePostgres,
  requireRedis,
  testPostgres,
} from '../helpers/services';
import { addAlert, newGroupKey } from './alert-store.fixtures';

const logger = createLogger('silent');

/** What openStorage wires together: a migrated store, audit log and locks that work end to end. */
async function exercise(storage: Storage): Promise<string> {
  const key = newGroupKey();
  const res = await storage.alerts.mutateGroup(key, addAlert(key));
  storage.audit.append({ actor: 'mogo', action: 'storage.checked', subject: key });
  await storage.audit.flush();
  expect(res!.changed).toBe(true);
  expect((await storage.audit.list({ subject: key })).map((r) => r.action)).toEqual([
    'storage.checked',
    'group.created',
  ]);
  expect(await storage.outbox.take(1)).toMatchObject({ target: { kind: 'group', id: res!.group.id } });
  expect(await storage.budget.take(`storage:${key}`, { perSecond: 1, burst: 1 })).toBe(0);
  expect(await storage.budget.take(`storage:${key}`, { perSecond: 1, burst: 1 })).toBeGreaterThan(0);
  await expect(storage.pingDatabase()).resolves.toBeUndefined();
  expect(await storage.readings.openGroups()).toContainEqual({ priority: expect.any(String), groups: 1 });
  expect(storage.audit.buffered()).toBe(0);
  return key;
}

describe('openStorage, embedded', () => {
  let dir: string;
  beforeAll(async () => {
    requirePgliteSupport();
    dir = await mkdtemp(join(tmpdir(), 'mogo-storage-'));
  });
  afterAll(() => dir && rm(dir, { recursive: true, force: true }));

  test('PGlite in dataDir (created if missing) and in-process locks; state survives a restart', async () => {
    const dataDir = join(dir, 'nested', 'db');
    const first = await openStorage({ dataDir, logger });
    expect(first.kind).toEqual({ db: 'embedded', state: 'memory' });
    expect(first.pingRedis).toBeUndefined(); // no Redis, so /readyz has nothing to call degraded
    const key = await exercise(first);
    await first.close();

    const second = await openStorage({ dataDir, logger });
    try {
      expect((await second.alerts.getGroup(groupIdOf(key)))!.version).toBe(1);
      expect(await second.audit.list({ subject: key })).toHaveLength(2);
    } finally {
      await second.close();
    }
  });
});

const pg = testPostgres();
(requirePostgres() && requireRedis() ? describe : describe.skip)('openStorage, PostgreSQL and Redis', () => {
  afterAll(() => pg.drop());

  test('uses the database URL (search_path from its options) and Redis', async () => {
    await (await pg.open({ migrate: false })).query('SELECT 1'); // creates the schema
    const databaseUrl = `${POSTGRES_URL}?options=${encodeURIComponent(`-c search_path=${pg.schema}`)}`;
    const storage = await openStorage({
      databaseUrl,
      dataDir: '/nonexistent/unused',
      redisUrl: REDIS_URL,
      redisPrefix: `${pg.schema}:`,
      logger,
    });
    try {
      expect(storage.kind).toEqual({ db: 'postgres', state: 'redis' });
      await expect(storage.pingRedis?.()).resolves.toBeUndefined();
      await exercise(storage);
      const { rows } = await storage.db.query<{ schema: string }>(
        "SELECT table_schema AS schema FROM information_schema.tables WHERE table_name = 'audit_log'",
      );
      expect(rows.map((r) => r.schema)).toContain(pg.schema);
    } finally {
      await storage.close();
    }
  });

  test('an unreachable database fails start-up with STORE_UNAVAILABLE', async () => {
    await expect(
      openStorage({ databaseUrl: 'postgres://postgres@127.0.0.1:1/test', dataDir: '/unused', logger }),
    ).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });
});
