import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { type FakeSlack, startFakeSlack } from '../fakes/slack-server';
import { type BotCluster, startBots } from './bot-cluster';
import { POSTGRES_URL, requirePostgres, requireRedis } from './services';

const TOKEN = 'cluster-webhook-token-0123456789';
const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'alertmanager');
const suite = requirePostgres() && requireRedis() ? describe : describe.skip;

async function schemaExists(schema: string): Promise<boolean> {
  const c = new Client({ connectionString: POSTGRES_URL });
  await c.connect();
  try {
    const { rows } = await c.query('select 1 from information_schema.schemata where schema_name = $1', [
      schema,
    ]);
    return rows.length === 1;
  } finally {
    await c.end();
  }
}

suite('startBots: several bot processes as one deployment', () => {
  let slack: FakeSlack;
  let cluster: BotCluster | undefined;

  beforeAll(async () => {
    slack = await startFakeSlack();
  });
  afterAll(async () => {
    await cluster?.stop();
    await slack.close();
  });

  it('shares one schema, survives a SIGKILL and restart, and drops the schema on stop()', async () => {
    cluster = await startBots(2, {
      SLACK_BOT_TOKEN: 'xoxb-cluster',
      SLACK_SIGNING_SECRET: 'cluster-secret',
      SLACK_API_URL: slack.url,
      ALERTMANAGER_TOKEN: TOKEN,
      LOG_LEVEL: 'warn',
    });
    const notify = (url: string, fixture: string) =>
      fetch(`${url}/webhooks/alertmanager`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: readFileSync(path.join(FIXTURES, fixture)),
      });

    // fired through replica 0, resolved through replica 1: the same message, so the same store
    await notify(cluster.bots[0]!.url, 'real-firing-2-alerts.json');
    const posted = await slack.waitFor((c) => c.method === 'chat.postMessage' && c.status === 200, 10_000);
    await notify(cluster.bots[1]!.url, 'real-resolved-2-alerts.json');
    const updated = await slack.waitFor(
      (c) => c.method === 'chat.update' && c.status === 200 && String(c.body.text).includes('RESOLVED'),
      10_000,
    );
    const pid = cluster.bots[1]!.pid;
    await cluster.kill(1);
    const killed = cluster.bots[1]!;
    const restarted = await cluster.restart(1);
    const ready = await fetch(`${restarted.url}/readyz`);
    const schema = cluster.schema;
    await cluster.stop();

    expect(updated.body.ts).toBe(posted.response?.ts);
    expect(slack.callsTo('chat.postMessage').filter((c) => c.status === 200)).toHaveLength(1);
    expect(killed.exited).toBe(true);
    expect(killed.exitCode).toBeNull();
    expect(restarted.pid).not.toBe(pid);
    expect(ready.status).toBe(200);
    expect(cluster.bots.every((b) => b.exited)).toBe(true);
    expect(await schemaExists(schema)).toBe(false);
  });
});
