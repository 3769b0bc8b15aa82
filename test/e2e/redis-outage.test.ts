import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeSlack, startFakeSlack } from '../fakes/slack-server';
import { type BotCluster, startBots } from '../helpers/bot-cluster';
import { freePort } from '../helpers/bot-process';
import { oneAlertNotification } from '../helpers/notification';
import { eventually, requirePostgres } from '../helpers/services';
import { blockActionPayload, interactionBody, signSlackRequest } from '../helpers/slack-sign';

const SECRET = 'redis-outage-secret';

const TOKEN = 'redis-outage-webhook-token-0123456789';
const RULES = `version: 1
defaults:
  channel: "#outage"
rules:
  - name: outage
    match: ['alertname="Outage"']
    weight: 30
`;

const notification = (group: string, status: 'firing' | 'resolved') =>
  oneAlertNotification('Outage', group, status);

/** A private redis-server on its own port, so this test can stop and start it without touching anyone's. */
async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  await eventually(
    () =>
      new Promise<boolean>((resolve) => {
        const socket = connect(port, '127.0.0.1');
        socket.once('connect', () => {
          socket.destroy();
          resolve(true);
        });
        socket.once('error', () => resolve(false));
      }),
    10_000,
  );
  return child;
}

async function stopRedis(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

const hasRedisServer = (): boolean => {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

interface Readiness {
  status: string;
  degraded?: string[];
}

const suite = requirePostgres() && hasRedisServer() ? describe : describe.skip;

suite('Redis goes away mid-run and comes back (two replicas, real PostgreSQL)', () => {
  let slack: FakeSlack;
  let cluster: BotCluster | undefined;
  let redis: ChildProcess | undefined;
  let rulesDir: string;

  beforeAll(async () => {
    slack = await startFakeSlack();
    rulesDir = await mkdtemp(join(tmpdir(), 'mogo-redis-outage-'));
    await writeFile(join(rulesDir, '00-outage.yml'), RULES);
  });
  afterAll(async () => {
    await cluster?.stop();
    await stopRedis(redis);
    await slack.close();
    await rm(rulesDir, { recursive: true, force: true });
  });

  it('delivers while Redis is down, says degraded, and posts nothing twice once it is back', async () => {
    const port = await freePort();
    redis = await startRedis(port);
    cluster = await startBots(
      2,
      {
        SLACK_BOT_TOKEN: 'xoxb-redis-outage',
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: slack.url,
        ALERTMANAGER_TOKEN: TOKEN,
        RULES_DIR: rulesDir,
        LOG_LEVEL: 'warn',
      },
      { redisUrl: `redis://127.0.0.1:${port}`, readyTimeoutMs: 120_000 },
    );
    const c = cluster;
    // each notification to both replicas, as an HA pair of Alertmanagers sends it
    const send = async (group: string, status: 'firing' | 'resolved') => {
      const statuses = await Promise.all(
        c.bots.map((b) =>
          fetch(`${b.url}/webhooks/alertmanager`, {
            method: 'POST',
            headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
            body: notification(group, status),
          }).then((r) => r.status),
        ),
      );
      expect(statuses).toEqual([200, 200]);
    };
    const readiness = () =>
      Promise.all(
        c.bots.map((b) =>
          fetch(`${b.url}/readyz`).then(async (r) => ({
            http: r.status,
            ...((await r.json()) as Readiness),
          })),
        ),
      );
    const posted = (group: string) =>
      slack
        .callsTo('chat.postMessage')
        .filter((call) => call.status === 200 && JSON.stringify(call.body).includes(`Outage ${group} (`));
    const shown = (group: string) => slack.messages.find((m) => (m.text ?? '').includes(`Outage ${group} (`));
    const resolved = (group: string) => async () => (shown(group)?.text ?? '').includes('RESOLVED');

    await send('before', 'firing');
    await eventually(async () => shown('before') !== undefined, 30_000);
    expect((await readiness()).map((r) => r.status)).toEqual(['ready', 'ready']);

    await stopRedis(redis);
    await send('during', 'firing');
    await send('before', 'resolved');
    await eventually(async () => shown('during') !== undefined, 30_000);
    await eventually(resolved('before'), 30_000);
    const down = await readiness();
    expect(down.map((r) => [r.http, r.status])).toEqual([
      [200, 'degraded'],
      [200, 'degraded'],
    ]);
    expect(down[0].degraded).toEqual([expect.stringMatching(/^redis: /)]);

    // the on-call engineer can still acknowledge; a replay of that click to the same replica is still refused
    const message = shown('during')!;
    const buttons = (message.blocks as { elements?: { action_id?: string; value?: string }[] }[]).flatMap(
      (b) => b.elements ?? [],
    );
    const groupId = buttons.find((e) => e.action_id === 'mogo_ack')?.value;
    expect(groupId).toBeDefined();
    const form = interactionBody(
      blockActionPayload({
        user: 'UONCALL',
        channel: message.channel,
        ts: message.ts,
        actionId: 'mogo_ack',
        value: groupId!,
      }),
    );
    const headers = signSlackRequest(SECRET, form);
    const click = () => fetch(`${c.bots[0]!.url}/slack/events`, { method: 'POST', headers, body: form });
    expect((await click()).status).toBe(200);
    expect((await click()).status).toBe(401);
    await eventually(async () => JSON.stringify(shown('during')?.blocks).includes('UONCALL'), 30_000);

    redis = await startRedis(port);
    await eventually(async () => (await readiness()).every((r) => r.status === 'ready'), 30_000);
    await send('after', 'firing');
    await send('during', 'resolved');
    await eventually(async () => shown('after') !== undefined, 30_000);
    await eventually(resolved('during'), 30_000);

    for (const group of ['before', 'during', 'after']) expect(posted(group)).toHaveLength(1);
    expect(slack.messages.filter((m) => (m.text ?? '').includes('Outage '))).toHaveLength(3);
  }, 300_000);
});
