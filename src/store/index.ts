import { mkdir } from 'node:fs/promises';
import type Redis from 'ioredis';
import type { Logger } from '../logger';
import type {
  AlertStore,
  DigestStore,
  EscalationStore,
  IncidentStore,
  Leases,
  Outbox,
  Placements,
  RateBudget,
  ReadCache,
  ReportJobs,
  ReportSource,
  RollbackStore,
  SilenceStore,
} from '../ports';
import type { SeenRequests } from '../ports/seen-requests';
import type { Db } from './db';
import { createMemoryRateBudget } from './memory/memory-rate-budget';
import { createMemoryReadCache } from './memory/memory-read-cache';
import { createMemorySeenRequests } from './memory/memory-seen-requests';
import { migrate, readSchemaVersion, SHIPPED_SCHEMA_VERSION } from './migrations';
import { warnWithoutAutovacuum } from './postgres/autovacuum-check';
import { createRedisRateBudget } from './redis/redis-rate-budget';
import { createRedisReadCache } from './redis/redis-read-cache';
import { createRedisSeenRequests } from './redis/redis-seen-requests';
import { withLocalFallback } from './seen-requests-fallback';
import { createSqlAlertStore } from './sql-alert-store';
import { createSqlAuditLog, type SqlAuditLog } from './sql-audit-log';
import { createSqlDigestStore } from './sql-digest-store';
import { createSqlEscalationStore } from './sql-escalations';
import { createSqlIncidentStore } from './sql-incident-store';
import { createSqlLeases } from './sql-leases';
import { createSqlStateReadings, type StateReadings } from './sql-metric-sources';
import { createSqlOutbox } from './sql-outbox';
import { createSqlPlacements } from './sql-placements';
import { createSqlReportJobs, createSqlReportSource } from './sql-reports';
import { createSqlRollbackStore } from './sql-rollback-store';
import { createSqlSilenceStore } from './sql-silence-store';

export interface StorageOptions {
  /** PostgreSQL URL; without it an embedded PGlite database lives in `dataDir`. */
  databaseUrl?: string;
  /** PostgreSQL URL of the owner role: migrations run through it, then the app uses databaseUrl's role. */
  migrationDatabaseUrl?: string;
  dataDir: string;
  /** Redis URL; without it the Slack call budget is in-process (fine for a single replica). */
  redisUrl?: string;
  /** Prefix for every Redis key (default "mogo:"). */
  redisPrefix?: string;
  logger: Logger;
}

export interface Storage {
  db: Db;
  alerts: AlertStore;
  outbox: Outbox;
  placements: Placements;
  audit: SqlAuditLog;
  rollbacks: RollbackStore;
  digests: DigestStore;
  incidents: IncidentStore;
  /** Slack's call budget, shared by every replica through Redis. */
  budget: RateBudget;
  /** Signed Slack requests already handled: shared in Redis when configured, so a replay fails on any replica. */
  seenRequests: SeenRequests;
  /** Short-lived read results (the open groups for /incident): in Redis when configured, shared by replicas. */
  readCache: ReadCache;
  silences: SilenceStore;
  leases: Leases;
  kind: { db: 'postgres' | 'embedded'; state: 'redis' | 'memory' };
  /** Resolves when the database answers a query within 2 s (/readyz, mogo_database_up). */
  pingDatabase(): Promise<void>;
  /** Resolves when Redis answers PING; absent without REDIS_URL (/readyz "degraded", mogo_redis_up). */
  pingRedis?: () => Promise<void>;
  /**
   * The schema version this code ships (its last migration) and a read of the one the database has applied.
   * They differ when a newer mogo migrated the database (a rolling upgrade): the composition root decides
   * what this process may still do then.
   */
  schema: { shipped: number; applied(): Promise<number> };
  /** Escalation steps, report jobs and the rows reports are built from. */
  oncall: { escalations: EscalationStore; reportJobs: ReportJobs; reportSource: ReportSource };
  /** Aggregates read at scrape time for the metrics. */
  readings: StateReadings;
  /** Flushes the audit log, then closes Redis and the database. */
  close(): Promise<void>;
}

/**
 * The adapters for a technology are required when configuration picks them, not imported at the top: pg,
 * ioredis and PGlite each cost megabytes and tens of milliseconds to load, and a process uses PostgreSQL or
 * PGlite, with or without Redis (bench/RESULTS.md, issue 10).
 */
const postgres = (): typeof import('./postgres/pg-db') => require('./postgres/pg-db');
const embedded = (): typeof import('./embedded/pglite-db') => require('./embedded/pglite-db');
const redisAdapter = (): typeof import('./redis/connect') => require('./redis/connect');

/** Opens (and migrates) the database and the short-term state store chosen by configuration. */
export async function openStorage(opts: StorageOptions): Promise<Storage> {
  const log = opts.logger.child({ module: 'store' });
  const closers: (() => Promise<unknown>)[] = [];
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse()) {
      await close().catch((err: unknown) => log.error({ err }, 'closing storage failed'));
    }
  };

  try {
    let db: Db;
    if (opts.databaseUrl) {
      db = await postgres().createPgDb({
        connectionString: opts.databaseUrl,
        onIdleError: (err) => log.warn({ err }, 'idle PostgreSQL connection failed'),
      });
    } else {
      await mkdir(opts.dataDir, { recursive: true });
      db = await embedded().createPgliteDb({
        dataDir: opts.dataDir,
        onCreate: (dir) =>
          log.info(
            { dataDir: dir },
            `creating the embedded database in ${dir} (first start only, a few seconds)`,
          ),
        onVacuum: (r) =>
          'error' in r
            ? log.warn(
                { err: r.error, table: r.table },
                'vacuuming the embedded database failed; it will try again',
              )
            : log.debug({ table: r.table, ms: Math.round(r.ms) }, 'vacuumed the embedded database'),
      });
    }
    closers.push(() => db.close());
    if (opts.databaseUrl && opts.migrationDatabaseUrl) {
      const owner = await postgres().createPgDb({ connectionString: opts.migrationDatabaseUrl, max: 1 });
      try {
        const applied = await migrate(owner);
        if (applied.length > 0) log.info({ applied }, 'database migrated (MIGRATION_DATABASE_URL)');
      } finally {
        await owner.close();
      }
    }
    // with a limited role and nothing pending this only reads schema_migrations
    const applied = await migrate(db);
    if (applied.length > 0) log.info({ applied }, 'database migrated');
    if (opts.databaseUrl) await warnWithoutAutovacuum(db, log);

    let redis: Redis | undefined;
    if (opts.redisUrl) {
      redis = await redisAdapter().connectRedis(opts.redisUrl, {
        onError: (err) => log.warn({ err }, 'Redis connection error'),
      });
      const client = redis;
      closers.push(() => client.quit());
    }

    const audit = createSqlAuditLog(db, {
      onError: (err) =>
        log.error(
          { err },
          'audit log could not record entries (failed batches stay buffered and are retried)',
        ),
    });
    closers.push(() => audit.close());

    const alerts = createSqlAlertStore(db);
    return {
      db,
      alerts,
      outbox: createSqlOutbox(db),
      placements: createSqlPlacements(db),
      audit,
      rollbacks: createSqlRollbackStore(db),
      digests: createSqlDigestStore(db),
      incidents: createSqlIncidentStore(db),
      budget: redis
        ? createRedisRateBudget(redis, { prefix: `${opts.redisPrefix ?? 'mogo:'}budget:` })
        : createMemoryRateBudget(),
      seenRequests: redis
        ? withLocalFallback(
            createRedisSeenRequests(redis, { prefix: `${opts.redisPrefix ?? 'mogo:'}seen:` }),
            createMemorySeenRequests(),
            {
              onDown: (err) =>
                log.warn({ err }, 'Redis unavailable for the Slack replay check; this replica checks alone'),
              onBack: () => log.info('Redis is back for the Slack replay check'),
            },
          )
        : createMemorySeenRequests(),
      readCache: redis
        ? createRedisReadCache(redis, { prefix: `${opts.redisPrefix ?? 'mogo:'}cache:`, logger: log })
        : createMemoryReadCache(),
      silences: createSqlSilenceStore(db),
      leases: createSqlLeases(db),
      kind: { db: opts.databaseUrl ? 'postgres' : 'embedded', state: redis ? 'redis' : 'memory' },
      schema: { shipped: SHIPPED_SCHEMA_VERSION, applied: () => readSchemaVersion(db) },
      pingDatabase: () => within(PING_TIMEOUT_MS, 'database', db.query('select 1')),
      ...(redis ? { pingRedis: () => within(PING_TIMEOUT_MS, 'Redis', (redis as Redis).ping()) } : {}),
      readings: createSqlStateReadings(db),
      oncall: {
        escalations: createSqlEscalationStore(db),
        reportJobs: createSqlReportJobs(db),
        reportSource: createSqlReportSource(db, alerts),
      },
      close: closeAll,
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

const PING_TIMEOUT_MS = 2_000;

/** A health check that answers within `ms`: a hung connection counts as down rather than hanging /readyz. */
async function within(ms: number, what: string, p: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  try {
    await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
