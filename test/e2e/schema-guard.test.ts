import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { MIGRATIONS, migrate, SHIPPED_SCHEMA_VERSION } from '../../src/store/migrations';
import { type FakeSlack, startFakeSlack } from '../fakes/slack-server';
import { type BotCluster, startBots } from '../helpers/bot-cluster';
import { type BotProcess, startBot } from '../helpers/bot-process';
import { oneAlertNotification } from '../helpers/notification';
import {
  eventually,
  POSTGRES_URL,
  REDIS_URL,
  requirePostgres,
  requireRedis,
  sleep,
  testPostgres,
} from '../helpers/services';
import { signSlackRequest, slashCommandBody } from '../helpers/slack-sign';

// bot processes on a 2-core machine shared with the rest of the suite; assertions wait for conditions
jest.setTimeout(90_000);

const TOKEN = 'schema-guard-webhook-token-0123';
const SECRET = 'schema-guard-secret';
const RULES = `version: 1
defaults:
  channel: "#upgrade"
rules:
  - name: up
    match: ['alertname="Up"']
    weight: 30
`;
const NEWER = SHIPPED_SCHEMA_VERSION + 1;
const AHEAD_REASON = `database schema v${NEWER} is newer than this mogo (v${SHIPPED_SCHEMA_VERSION}): an upgrade is rolling out`;

const suite = requirePostgres() && requireRedis() ? describe : describe.skip;

/** SQL on one test schema, as another replica (or an operator) would run it. */
async function sql(schema: string, text: string, params: unknown[] = []) {
  const c = new Client({ connectionString: POSTGRES_URL, options: `-c search_path=${schema}` });
  await c.connect();
  try {
    return await c.query(text, params);
  } finally {
    await c.end();
  }
}

const webhook = (bot: BotProcess, group: string) =>
  fetch(`${bot.url}/webhooks/alertmanager`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: oneAlertNotification('Up', group, 'firing'),
  });

const readyz = async (bot: BotProcess) => {
  const res = await fetch(`${bot.url}/readyz`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

suite('schema guard: a replica older than the database schema takes no work (bot process, PostgreSQL)', () => {
  let slack: FakeSlack;
  let rulesDir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    slack = await startFakeSlack();
    rulesDir = await mkdtemp(join(tmpdir(), 'mogo-schema-guard-'));
    await writeFile(join(rulesDir, '00-up.yml'), RULES);
    env = {
      SLACK_BOT_TOKEN: 'xoxb-schema-guard',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slack.url,
      ALERTMANAGER_TOKEN: TOKEN,
      RULES_DIR: rulesDir,
      SCHEMA_CHECK_SECONDS: '1',
      LOG_LEVEL: 'info',
    };
  });
  afterAll(async () => {
    await slack.close();
    await rm(rulesDir, { recursive: true, force: true });
  });

  describe('a newer replica migrates the database under a running one', () => {
    let cluster: BotCluster | undefined;
    afterAll(async () => cluster?.stop());

    it('goes not ready with the reason, refuses webhooks and Slack, renders nothing, and resumes when the schema is its own again', async () => {
      cluster = await startBots(1, env, { redisUrl: `${REDIS_URL}/8` });
      const bot = cluster.bots[0]!;
      const { schema } = cluster;
      const first = await webhook(bot, 'a');
      expect(first.status).toBe(200);
      const { groupId } = (await first.json()) as { groupId: string };
      await slack.waitFor((c) => c.method === 'chat.postMessage', 20_000);

      await sql(schema, 'INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        NEWER,
        'from_the_future',
      ]);
      await eventually(async () => (await readyz(bot)).status === 503, 10_000);

      expect(await readyz(bot)).toEqual({
        status: 503,
        body: { status: 'not_ready', slack: 'http', reason: AHEAD_REASON },
      });
      const refused = await webhook(bot, 'b');
      expect(refused.status).toBe(503);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('NOT_READY');
      const errors = bot
        .logs()
        .filter((l) => l.level === 50 && String(l.msg).includes('is newer than this mogo'));
      expect(errors).toHaveLength(1);
      const metrics = await (await fetch(`${bot.url}/metrics`)).text();
      expect(metrics).toMatch(/^mogo_schema_ahead 1$/m);
      expect(metrics).toContain(`mogo_schema_version{of="database"} ${NEWER}`);

      const form = slashCommandBody({
        command: '/incident',
        text: 'status',
        user_id: 'UOPS',
        channel_id: 'C0UPGRADE',
      });
      const answer = await fetch(`${bot.url}/slack/events`, {
        method: 'POST',
        headers: signSlackRequest(SECRET, form),
        body: form,
      });
      expect(((await answer.json()) as { text: string }).text).toMatch(/mogo is being upgraded/);

      // a render job queued meanwhile (as a new replica's webhook would): this replica leaves it alone
      const updatesBefore = slack.callsTo('chat.update').length;
      await sql(
        schema,
        `INSERT INTO outbox (key, priority, first_post, channel, seq, due_at)
         VALUES ($1, 1, false, '#upgrade', nextval('render_job_seq'), now())`,
        [`group:${groupId}`],
      );
      await sleep(2_500);
      expect(slack.callsTo('chat.update')).toHaveLength(updatesBefore);
      expect((await sql(schema, 'SELECT count(*)::int AS n FROM outbox')).rows[0].n).toBe(1);

      // the schema is this replica's own again (say the rollout was undone by restoring the database)
      await sql(schema, 'DELETE FROM schema_migrations WHERE version = $1', [NEWER]);
      await eventually(async () => (await readyz(bot)).status === 200, 10_000);
      // the job left waiting is taken now (its message is unchanged, so Slack need not hear of it), and new work flows
      await eventually(
        async () => (await sql(schema, 'SELECT count(*)::int AS n FROM outbox')).rows[0].n === 0,
        10_000,
      );
      expect((await webhook(bot, 'c')).status).toBe(200);
      await slack.waitFor(
        (c) => c.method === 'chat.postMessage' && String(c.body.text).includes('Up c'),
        20_000,
      );
    });
  });

  describe('a replica starting on a database a newer mogo has migrated', () => {
    const pg = testPostgres();
    let bot: BotProcess | undefined;
    afterAll(async () => {
      await bot?.stop();
      await pg.drop();
    });

    it('runs none of its migrations, serves nothing and stays not ready instead of crash-looping', async () => {
      // this mogo's last migration is missing under a newer one: it must not apply it to a schema it does not know
      const db = await pg.open({ migrate: false });
      await migrate(
        db,
        MIGRATIONS.filter((m) => m.version < SHIPPED_SCHEMA_VERSION),
      );
      await sql(pg.schema, 'INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        NEWER,
        'from_the_future',
      ]);

      bot = await startBot(
        {
          ...env,
          DATABASE_URL: `${POSTGRES_URL}?options=${encodeURIComponent(`-c search_path=${pg.schema}`)}`,
          REDIS_URL: `${REDIS_URL}/8`,
        },
        { waitUntil: 'listening' },
      );

      expect(await readyz(bot)).toEqual({
        status: 503,
        body: { status: 'not_ready', slack: 'http', reason: AHEAD_REASON },
      });
      expect((await webhook(bot, 'd')).status).toBe(503);
      const own = await sql(pg.schema, 'SELECT 1 FROM schema_migrations WHERE version = $1', [
        SHIPPED_SCHEMA_VERSION,
      ]);
      expect(own.rowCount).toBe(0);
      await sleep(1_500);
      expect(bot.exited).toBe(false);
      expect((await readyz(bot)).status).toBe(503);
    });
  });
});
