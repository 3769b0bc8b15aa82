import { Client } from 'pg';
import { type BotProcess, type StartBotOptions, startBot } from './bot-process';
import { POSTGRES_URL, REDIS_URL, randomName } from './services';

/**
 * Several mogo processes as one deployment: the same PostgreSQL schema (a fresh one per cluster), the same
 * Redis, the same Slack. For tests of what replicas must do together (one message per group, a shared Slack
 * budget, work picked up after a SIGKILL). Migrations take an advisory lock, so the replicas start together.
 */
export interface BotCluster {
  /** The running processes, by index; restart(i) replaces bots[i]. */
  readonly bots: BotProcess[];
  /** The schema every replica uses (created here, dropped by stop()). */
  readonly schema: string;
  /** The environment every replica got (DATABASE_URL already points at the schema). */
  readonly env: Readonly<Record<string, string>>;
  /** SIGKILL replica i, as a crash: no drain, no clean shutdown. */
  kill(i: number): Promise<void>;
  /** Starts replica i again with the same environment (a new port and pid). */
  restart(i: number): Promise<BotProcess>;
  /** SIGTERM every replica still running, then drops the schema. Idempotent. */
  stop(): Promise<void>;
}

export interface StartBotsOptions extends StartBotOptions {
  /** Redis for every replica; default TEST_REDIS_URL (or 127.0.0.1:6379) database 0, as the other e2e tests. */
  redisUrl?: string;
}

/**
 * `n` bot processes on one fresh schema. `env` is what differs per test (SLACK_API_URL, tokens, RULES_DIR…);
 * DATABASE_URL and REDIS_URL are set here unless `env` has them.
 */
export async function startBots(
  n: number,
  env: Record<string, string>,
  opts: StartBotsOptions = {},
): Promise<BotCluster> {
  const schema = randomName('mogo_cluster');
  await admin(`create schema ${schema}`);
  const shared: Record<string, string> = {
    DATABASE_URL: `${POSTGRES_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    REDIS_URL: opts.redisUrl ?? `${REDIS_URL}/0`,
    ...env,
  };
  const start = () => startBot(shared, opts);
  const started = await Promise.allSettled(Array.from({ length: n }, start));
  const bots = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      await Promise.all(bots.filter((b) => !b.exited).map((b) => b.stop()));
      await admin(`drop schema if exists ${schema} cascade`);
    })();
    return stopped;
  };

  const failed = started.find((r) => r.status === 'rejected');
  if (failed !== undefined) {
    await stop();
    throw (failed as PromiseRejectedResult).reason;
  }

  return {
    bots,
    schema,
    env: shared,
    async kill(i) {
      await bots[i]!.stop('SIGKILL');
    },
    async restart(i) {
      if (!bots[i]!.exited) await bots[i]!.stop();
      bots[i] = await start();
      return bots[i]!;
    },
    stop,
  };
}

async function admin(sql: string): Promise<void> {
  const c = new Client({ connectionString: POSTGRES_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}
