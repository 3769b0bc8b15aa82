import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';
import { type BotProcess, startBot } from '../test/helpers/bot-process';

/**
 * What one benchmark run needs besides Slack and Alertmanager: a fresh PostgreSQL schema, a Redis database
 * index nobody else uses (mogo has no Redis key prefix, and flushing a shared Redis is not ours to do), and a
 * rules directory where everything goes to one channel: P1Outage is P1, the storm is P2 (warning) and P3 (info).
 */
export const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const WEBHOOK_TOKEN = 'bench-storm-webhook-token-0123456789';
export const CHANNEL = '#storm';
/** Redis database indexes the bench may take, when empty. */
const REDIS_DBS = [8, 9, 10, 11, 12, 13, 14, 15];

const RULES = `version: 1
defaults:
  channel: "${CHANNEL}"
  thresholds: {P1: 100, P2: 50, P3: 20}
  notify: {P1: true, P2: true, P3: true, P4: false}
rules:
  - name: outage
    match: ['alertname="P1Outage"']
    weight: 150
  - name: storm-warning
    match: ['severity="warning"']
    weight: 60
  - name: storm-info
    match: ['severity="info"']
    weight: 30
`;

export interface BenchEnv {
  /** Starts one mogo process on this run's database, Redis and rules, talking to `slackUrl`. */
  startBot(slackUrl: string): Promise<BotProcess>;
  /** Drops the schema, deletes the keys of the Redis database taken (it was empty), removes the rules dir. */
  close(): Promise<void>;
}

export async function openBenchEnv(): Promise<BenchEnv> {
  const schema = `mogo_bench_${randomBytes(5).toString('hex')}`;
  await withPg((pg) => pg.query(`create schema ${schema}`));
  const redisDb = await takeEmptyRedisDb();
  const rulesDir = await mkdtemp(path.join(tmpdir(), 'mogo-bench-rules-'));
  await writeFile(path.join(rulesDir, '00-bench.yml'), RULES);

  const env = {
    SLACK_BOT_TOKEN: 'xoxb-bench-storm',
    SLACK_SIGNING_SECRET: 'bench-signing-secret',
    ALERTMANAGER_TOKEN: WEBHOOK_TOKEN,
    DATABASE_URL: `${POSTGRES_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    REDIS_URL: `${REDIS_URL}/${redisDb}`,
    RULES_DIR: rulesDir,
    LOG_LEVEL: 'warn',
    DIGEST_SCHEDULE: 'off',
  };

  return {
    startBot: (slackUrl) => startBot({ ...env, SLACK_API_URL: slackUrl }),
    async close() {
      await withPg((pg) => pg.query(`drop schema if exists ${schema} cascade`)).catch(() => undefined);
      await clearRedisDb(redisDb).catch(() => undefined);
      await rm(rulesDir, { recursive: true, force: true });
    },
  };
}

async function withPg<T>(fn: (pg: Client) => Promise<T>): Promise<T> {
  const pg = new Client({ connectionString: POSTGRES_URL });
  await pg.connect();
  try {
    return await fn(pg);
  } finally {
    await pg.end();
  }
}

async function takeEmptyRedisDb(): Promise<number> {
  for (const db of REDIS_DBS) {
    const redis = new Redis(`${REDIS_URL}/${db}`, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await redis.connect();
      // a marker so a second bench run started meanwhile picks another index
      if ((await redis.dbsize()) === 0 && (await redis.set('mogo-bench:owner', String(process.pid), 'NX'))) {
        return db;
      }
    } finally {
      redis.disconnect();
    }
  }
  throw new Error(`no empty Redis database among ${REDIS_DBS.join(', ')} at ${REDIS_URL}`);
}

/** Deletes the keys of a database this run found empty and marked as its own; never FLUSHDB. */
async function clearRedisDb(db: number): Promise<void> {
  const redis = new Redis(`${REDIS_URL}/${db}`, { maxRetriesPerRequest: 1 });
  try {
    if ((await redis.get('mogo-bench:owner')) !== String(process.pid)) return;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
