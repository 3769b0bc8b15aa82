import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AlertStore } from '../../src/ports';
import { connectRedis } from '../../src/store/redis/connect';
import { createRedisReadCache } from '../../src/store/redis/redis-read-cache';
import { createSqlAlertStore } from '../../src/store/sql-alert-store';
import { startFakeSlack } from '../fakes/slack-server';
import { postWebhook, readJson, SIGNING_SECRET, startTestApp } from '../helpers/app-harness';
import { ROLLBACK_RULES, type RollbackWorld, startRollbackWorld } from '../helpers/rollback-harness';
import { eventually, openPglite, requireRedis, testRedis } from '../helpers/services';
import { signSlackRequest, slashCommandBody } from '../helpers/slack-sign';

/** The rollback world's rules, plus: only UALICE may acknowledge. */
const RULES = `${ROLLBACK_RULES}  - name: ackers
    users: [UALICE]
    permissions:
      - { action: ack }
`;

let triggers = 0;
function slash(url: string, text: string, user: string, responseUrl?: string) {
  const form = slashCommandBody({
    command: '/incident',
    text,
    user_id: user,
    channel_id: 'C1',
    trigger_id: `cmd-trigger-${++triggers}`,
    ...(responseUrl ? { response_url: responseUrl } : {}),
  });
  return fetch(`${url}/slack/events`, {
    method: 'POST',
    headers: signSlackRequest(SIGNING_SECRET, form),
    body: form,
  });
}

describe('/incident commands (signed slash commands, fake Slack)', () => {
  let w: RollbackWorld;
  let groupId: string;
  let ref: { channel: string; ts: string };
  const run = async (text: string, user = 'UALICE') => {
    const id = `${user}-r${triggers}`;
    const res = await slash(w.t.url, text, user, w.slack.responseUrl(id));
    expect(res.status).toBe(200);
    const json = await readJson(res);
    if (json.text !== 'Working on it…')
      return json as { text: string; blocks: unknown[]; response_type: string };
    // a loaded machine: the answer came later, through response_url, as Slack would show it
    const late = await w.slack.waitFor(
      (c) => c.method === 'response_url' && c.path === `/respond/${id}`,
      15_000,
    );
    return late.body as { text: string; blocks: unknown[]; response_type: string };
  };
  const said = (json: { text: string; blocks: unknown[] }) => `${json.text} ${JSON.stringify(json.blocks)}`;
  const commandRows = async (user: string) =>
    (await w.audit('command.invoked')).filter((r) => r.actor === user);

  beforeAll(async () => {
    w = await startRollbackWorld({ rules: RULES });
    ({ groupId, ref } = await w.fire('api-prod'));
  }, 90_000);
  afterAll(() => w?.close());

  it('status lists the group with its short id, age and acknowledgement', async () => {
    const json = await run('status');
    expect(json.response_type).toBe('ephemeral');
    expect(json.text).toBe('1 open alert group');
    const text = said(json);
    expect(text).toContain(`\`${groupId.slice(0, 6)}\``);
    expect(text).toContain('*HighLatency*');
    expect(text).toContain('*not acknowledged*');
  });

  it('list filters with Alertmanager matchers; a bad matcher gets the usage', async () => {
    expect((await run('list alertname="HighLatency", job=~"a.*"')).text).toBe(
      '1 open alert group matching `alertname="HighLatency", job=~"a.*"`',
    );
    // severity differs among these alerts: the group matches through the two critical ones
    expect(said(await run('list severity="critical"'))).toContain('2 of 3 firing match');
    expect((await run('list alertname=“Nope”')).text).toBe(
      'No open alert groups matching `alertname="Nope"`.',
    );
    const bad = await run('list alertname~~x');
    expect(bad.text).toMatch(/^invalid matcher '.*': expected &lt;label&gt;/);
    expect(bad.text).toContain('Usage: `/incident list &lt;matchers&gt;`');
  });

  it('ack follows the ack roles: refused to others (audited as denied), done for a member', async () => {
    const refused = await run(`ack ${groupId.slice(0, 6)}`, 'UCAROL');
    expect(refused.text).toBe('Not done: You need a role that may acknowledge alerts (ackers).');
    await eventually(async () => (await commandRows('UCAROL')).length > 0, 10_000);
    expect((await commandRows('UCAROL'))[0]).toMatchObject({
      subject: 'command:/incident ack',
      details: expect.objectContaining({ outcome: 'denied' }),
    });

    expect((await run(`ack ${groupId.slice(0, 6)}`)).text).toContain('Acknowledged');
    await w.messageShows(ref, 'Acknowledged by <@UALICE>');
    expect((await w.audit('alert.acknowledged'))[0]).toMatchObject({ actor: 'UALICE' });
    expect(said(await run('status'))).toContain('acked by <@UALICE>'); // the cache was refreshed by the write

    expect((await run(`unack ${groupId}`)).text).toContain('Unacknowledged'); // the full id works too
    expect((await run('ack ffff00')).text).toContain('No alert group `ffff00`');
  });

  it('rollback <target> opens the same dialog as the button; confirming runs it, with the reason recorded', async () => {
    const opened = w.slack.callsTo('views.open').length;
    const json = await run('rollback api-prod "bad deploy 4.2"');
    expect(json.text).toBe(`Opened the rollback dialog for \`api-prod\` (group \`${groupId.slice(0, 6)}\`).`);
    const open = w.slack.callsTo('views.open')[opened]!;
    expect(String(open.body.trigger_id)).toMatch(/^cmd-trigger-/);
    await w.slack.waitFor(
      (c) => c.method === 'views.update' && JSON.stringify(c.body.view).includes('revision 42 -> 41'),
    );
    const update = w.slack.callsTo('views.update').at(-1)!;
    const res = await w.submit('UALICE', {
      ...(update.body.view as Record<string, unknown>),
      id: update.body.view_id,
    });
    expect(res.status).toBe(200);
    await eventually(async () => w.deployers.rollbacks().length === 1, 10_000);
    expect((await w.audit('rollback.requested'))[0]).toMatchObject({
      actor: 'UALICE',
      details: expect.objectContaining({ target: 'api-prod', reason: 'bad deploy 4.2' }),
    });
    await w.messageShows(ref, 'Rolled back');
    const status = await run('rollback status');
    expect(said(status)).toContain('Rolled back *api-prod*');
  });

  it('rollback by someone without the role is refused in words, and nothing opens', async () => {
    const opened = w.slack.callsTo('views.open').length;
    const json = await run('rollback api-prod', 'UCAROL');
    expect(json.text).toContain('You need a role that may roll back api-prod (production)');
    expect(w.slack.callsTo('views.open')).toHaveLength(opened);
    expect((await run('rollback nothing-like-it')).text).toBe(
      'No rollback target or alert group `nothing-like-it`.',
    );
  });

  it('silence without ALERTMANAGER_URL says what to set', async () => {
    expect((await run(`silence ${groupId.slice(0, 6)} 2h`)).text).toContain('needs `ALERTMANAGER_URL`');
  });
});

const redis = testRedis();
(requireRedis() ? describe : describe.skip)(
  '/incident reads through a cache shared by replicas (Redis)',
  () => {
    afterAll(() => redis.cleanup());

    it('replica B is served what replica A read; a write on A is seen by B at once', async () => {
      const slack = await startFakeSlack();
      const db = await openPglite();
      const client = await connectRedis(redis.url);
      const reads = { b: 0 };
      const countingB = (s: AlertStore): AlertStore => ({
        ...s,
        listGroups: (q) => {
          reads.b++;
          return s.listGroups(q);
        },
      });
      const a = await startTestApp({
        slackApiUrl: slack.url,
        db,
        readCache: createRedisReadCache(client, { prefix: redis.prefix }),
      });
      const b = await startTestApp({
        slackApiUrl: slack.url,
        db,
        wrapAlerts: countingB,
        readCache: createRedisReadCache(client, { prefix: redis.prefix }),
      });
      try {
        const body = JSON.parse(
          readFileSync(join(__dirname, '../fixtures/alertmanager/firing-3-alerts.json'), 'utf8'),
        );
        const groupId = (await readJson(await postWebhook(a.url, body))).groupId as string;
        await eventually(async () => (await createSqlAlertStore(db).getGroup(groupId)) !== null, 10_000);

        expect((await readJson(await slash(a.url, 'status', 'UALICE'))).text).toBe('1 open alert group');
        const fromCache = await readJson(await slash(b.url, 'status', 'UBOB'));
        expect(fromCache.text).toBe('1 open alert group');
        expect(reads.b).toBe(0); // B asked the cache only

        expect((await readJson(await slash(a.url, `ack ${groupId.slice(0, 6)}`, 'UALICE'))).text).toContain(
          'Acknowledged',
        );
        expect(JSON.stringify((await readJson(await slash(b.url, 'status', 'UBOB'))).blocks)).toContain(
          'acked by <@UALICE>',
        );
        expect(reads.b).toBe(1); // A's write emptied the shared cache: B read the store once
      } finally {
        await a.close();
        await b.close();
        await db.close();
        client.disconnect();
        await slack.close();
      }
    }, 90_000);
  },
);
