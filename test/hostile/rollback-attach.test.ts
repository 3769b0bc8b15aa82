import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type FakeSlack, startFakeSlack } from '../fakes/slack-server';
import { postWebhook, readJson, SIGNING_SECRET, startTestApp, type TestApp } from '../helpers/app-harness';
import { writeRulesDir } from '../helpers/rollback-harness';
import { requirePostgres, type TestPostgres, testPostgres } from '../helpers/services';
import { blockActionPayload, interactionBody, signSlackRequest } from '../helpers/slack-sign';

const RULES = `version: 1
targets:
  - name: payments-prod
    backend: webhook
    settings: { url: "https://deploy.example.invalid/pay", secret_env: PAY_SECRET }
  - name: checkout-prod
    backend: webhook
    attach: { from_alerts: true, matchers: ['service="checkout"'] }
    settings: { url: "https://deploy.example.invalid/checkout", secret_env: CHECKOUT_SECRET }
`;

/** Issue 9, item 5: who may attach a rollback target, on the message mogo really posts. */
(requirePostgres() ? describe : describe.skip)(
  'rollback targets attached by alerts (real PostgreSQL)',
  () => {
    let pg: TestPostgres;
    let slack: FakeSlack;
    let t: TestApp;
    beforeAll(async () => {
      pg = testPostgres();
      slack = await startFakeSlack();
      t = await startTestApp({
        db: await pg.open(),
        slackApiUrl: slack.url,
        rulesDir: await writeRulesDir(RULES),
      });
    });
    afterAll(async () => {
      await t.close();
      await slack.close();
      await pg.drop();
    });

    async function buttonsFor(key: string, labels: Record<string, string>) {
      const body = JSON.parse(
        readFileSync(join(__dirname, '../fixtures/alertmanager/firing-3-alerts.json'), 'utf8'),
      );
      body.groupKey = key;
      for (const a of body.alerts) Object.assign(a.labels, labels);
      const { groupId } = await readJson(await postWebhook(t.url, body));
      const posted = await slack.waitFor(
        (c) => c.method === 'chat.postMessage' && JSON.stringify(c.body.blocks).includes(groupId),
        10_000,
      );
      ids.set(key, groupId);
      return JSON.stringify(posted.body.blocks);
    }
    const ids = new Map<string, string>();

    it('a rollback_target label on an unrelated alert gives no Rollback button', async () => {
      expect(
        await buttonsFor('{}:{a="1"}', { service: 'search', rollback_target: 'checkout-prod' }),
      ).not.toContain('"action_id":"mogo_rollback"');
    });

    it('nor does one naming a target only rules may attach', async () => {
      expect(
        await buttonsFor('{}:{a="2"}', { service: 'checkout', rollback_target: 'payments-prod' }),
      ).not.toContain('"action_id":"mogo_rollback"');
    });

    it('an alert the target allows gets the button', async () => {
      expect(
        await buttonsFor('{}:{a="3"}', { service: 'checkout', rollback_target: 'checkout-prod' }),
      ).toContain('"action_id":"mogo_rollback"');
    });

    it('a Rollback click on one message whose value names another group opens nothing', async () => {
      const unrelated = ids.get('{}:{a="1"}')!;
      const withTarget = ids.get('{}:{a="3"}')!;
      const ref = (await t.alerts.getMessage(unrelated))!;
      const form = interactionBody(
        blockActionPayload({
          user: 'UALICE',
          channel: ref.channel,
          ts: ref.ts,
          actionId: 'mogo_rollback',
          value: withTarget,
        }),
      );
      const res = await fetch(`${t.url}/slack/events`, {
        method: 'POST',
        headers: signSlackRequest(SIGNING_SECRET, form),
        body: form,
      });
      expect(res.status).toBe(200);
      const eph = await slack.waitFor((c) => c.method === 'chat.postEphemeral' && c.body.user === 'UALICE');
      expect(String(eph.body.text)).toContain('does not belong to this message');
      expect(slack.callsTo('views.open')).toHaveLength(0);
    });
  },
);
