import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from 'pg';
import {
  DEPLOY_WEBHOOK_SECRET,
  type DeployWebhookServer,
  startDeployWebhookServer,
} from '../fakes/deploy-webhook-server';
import { type FakeSlack, startFakeSlack } from '../fakes/slack-server';
import { type BotProcess, startBot } from '../helpers/bot-process';
import { writeRulesDir } from '../helpers/rollback-harness';
import {
  eventually,
  POSTGRES_URL,
  REDIS_URL,
  randomName,
  requirePostgres,
  requireRedis,
} from '../helpers/services';
import {
  blockActionPayload,
  interactionBody,
  signSlackRequest,
  viewSubmissionPayload,
} from '../helpers/slack-sign';

/**
 * The hard one: two mogo processes (replicas) on one PostgreSQL and one Redis, two people confirming the same
 * rollback at the same moment, one through each replica. Exactly one backend call; the other person is told
 * who is already rolling back.
 */
const TOKEN = 'race-e2e-webhook-token-0123456789';
const SECRET = 'race-e2e-signing-secret';
const suite = requirePostgres() && requireRedis() ? describe : describe.skip;

suite('two replicas, one rollback', () => {
  let slack: FakeSlack;
  let hook: DeployWebhookServer;
  let bots: BotProcess[] = [];
  let rulesDir: string;
  const schema = randomName('mogo_race_e2e');

  const admin = async (sql: string, params: unknown[] = []) => {
    const c = new Client({ connectionString: POSTGRES_URL });
    await c.connect();
    try {
      return (await c.query(sql, params)).rows;
    } finally {
      await c.end();
    }
  };

  beforeAll(async () => {
    await admin(`create schema ${schema}`);
    slack = await startFakeSlack();
    hook = await startDeployWebhookServer();
    hook.delay(1_000); // the winner's rollback is still running when the loser's confirmation lands
    rulesDir = await writeRulesDir(`version: 1
targets:
  - name: race-webhook
    backend: webhook
    environment: production
    attach: { from_alerts: true, matchers: ['alertname=~".+"'] }
    settings: { url: "${hook.url}", secret_env: DEPLOY_WEBHOOK_SECRET }
roles:
  - name: deployers
    users: [UALICE, UBOB]
    permissions:
      - { action: rollback, targets: [race-webhook] }
`);
    const env = {
      SLACK_BOT_TOKEN: 'xoxb-race-e2e',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slack.url,
      ALERTMANAGER_TOKEN: TOKEN,
      DATABASE_URL: `${POSTGRES_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`,
      REDIS_URL: `${REDIS_URL}/0`,
      RULES_DIR: rulesDir,
      DEPLOY_WEBHOOK_SECRET,
    };
    bots = await Promise.all([startBot(env), startBot(env)]);
  });

  afterAll(async () => {
    await Promise.all(bots.filter((b) => b.exitCode === null).map((b) => b.stop()));
    await slack?.close();
    await hook?.close();
    await rm(rulesDir, { recursive: true, force: true });
    await admin(`drop schema if exists ${schema} cascade`);
  });

  const send = (bot: BotProcess, payload: Record<string, unknown>) => {
    const form = interactionBody(payload);
    return fetch(`${bot.url}/slack/events`, {
      method: 'POST',
      headers: signSlackRequest(SECRET, form),
      body: form,
    });
  };

  it('both confirm at once -> exactly one backend call; the other user is told who is rolling back', async () => {
    const [a, b] = bots as [BotProcess, BotProcess];
    const alert = JSON.parse(
      readFileSync(join(__dirname, '../fixtures/alertmanager/firing-3-alerts.json'), 'utf8'),
    );
    for (const x of alert.alerts) x.labels.rollback_target = 'race-webhook';
    const res = await fetch(`${a.url}/webhooks/alertmanager`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(alert),
    });
    const { groupId } = (await res.json()) as { groupId: string };
    const posted = await slack.waitFor((c) => c.method === 'chat.postMessage', 10_000);
    const ref = { channel: posted.response?.channel as string, ts: posted.response?.ts as string };
    expect(JSON.stringify(posted.body.blocks)).toContain('"action_id":"mogo_rollback"');
    // this test is about the confirmations racing, not a click landing before mogo recorded the message's ts
    await eventually(
      async () =>
        (
          await admin(`select 1 from ${schema}.group_messages where channel = $1 and ts = $2`, [
            ref.channel,
            ref.ts,
          ])
        ).length > 0,
      10_000,
    );

    // each user clicks Rollback through a different replica and gets a dialog with the plan
    const dialogs: Record<string, Record<string, unknown>> = {};
    for (const [bot, user] of [
      [a, 'UALICE'],
      [b, 'UBOB'],
    ] as const) {
      const click = blockActionPayload({
        user,
        ...ref,
        actionId: 'mogo_rollback',
        value: groupId,
        triggerId: `trigger-${user}`,
      });
      expect((await send(bot, click)).status).toBe(200);
      const opened = await slack.waitFor(
        (c) => c.method === 'views.open' && c.body.trigger_id === `trigger-${user}`,
      );
      const viewId = (opened.response!.view as { id: string }).id;
      const updated = await slack.waitFor((c) => c.method === 'views.update' && c.body.view_id === viewId);
      dialogs[user] = { ...(updated.body.view as Record<string, unknown>), id: viewId };
      expect(dialogs[user]!.submit).toMatchObject({ text: 'Roll back' });
    }
    expect(hook.calls).toHaveLength(0);

    const answers = await Promise.all([
      send(a, viewSubmissionPayload({ user: 'UALICE', view: dialogs.UALICE! })),
      send(b, viewSubmissionPayload({ user: 'UBOB', view: dialogs.UBOB! })),
    ]);
    expect(answers.map((r) => r.status)).toEqual([200, 200]);

    await hook.waitForCalls(1, 10_000);
    const told = await slack.waitFor(
      (c) => c.method === 'chat.postEphemeral' && String(c.body.text).includes('already being rolled back'),
      10_000,
    );
    await slack.waitFor(
      (c) =>
        c.method === 'chat.update' && JSON.stringify(c.body.blocks).includes('Rolled back *race-webhook*'),
      15_000,
    );
    const winner = (hook.calls[0]!.body as { actor: string }).actor;
    const loser = winner === 'UALICE' ? 'UBOB' : 'UALICE';
    expect(hook.calls).toHaveLength(1);
    expect(hook.calls[0]).toMatchObject({ verified: true, status: 202 });
    expect(told.body).toMatchObject({
      channel: ref.channel,
      user: loser,
      text: `*race-webhook* is already being rolled back by <@${winner}>.`,
    });

    const rows = await admin(
      `select action, actor, details from ${schema}.audit_log where action like 'rollback.%' order by id`,
    );
    expect(rows.map((r) => [r.action, r.actor])).toEqual(
      expect.arrayContaining([
        ['rollback.requested', winner],
        ['rollback.started', winner],
        ['rollback.succeeded', winner],
        ['rollback.denied', loser],
      ]),
    );
    expect(rows.filter((r) => r.action === 'rollback.requested')).toHaveLength(1);
    expect(rows.find((r) => r.action === 'rollback.denied')!.details).toMatchObject({
      reason: 'busy',
      heldBy: winner,
      target: 'race-webhook',
      backend: 'webhook',
    });
  }, 60_000);
});
