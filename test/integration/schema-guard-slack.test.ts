import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TargetSchema } from '../../src/rollback/config-schema';
import { CALLBACK_IDS } from '../../src/slack/blocks/action-ids';
import { declareModal } from '../../src/slack/blocks/incident-modal';
import { rollbackPlanView } from '../../src/slack/blocks/rollback-modal';
import { silenceModal } from '../../src/slack/blocks/silence-modal';
import { NOT_READY_TEXT } from '../../src/slack/not-ready-answer';
import { type FakeSlack, startFakeSlack } from '../fakes/slack-server';
import { postSlack, postWebhook, readJson, startTestApp, type TestApp } from '../helpers/app-harness';
import { dbSchemaGuard } from '../helpers/schema-ahead';
import { blockActionPayload, interactionBody, viewSubmissionPayload } from '../helpers/slack-sign';

/**
 * The Slack answers of a replica older than its database schema (schema-guard.ts), in-process: the e2e suite
 * (test/e2e/schema-guard.test.ts) covers the slash command on a bot process; clicks and dialogs are here. Socket
 * Mode runs the same Bolt middleware, its answers going back in the envelope acks instead.
 */
const fixture = () =>
  JSON.parse(readFileSync(join(__dirname, '../fixtures/alertmanager/firing-3-alerts.json'), 'utf8'));

type Block = { type: string; block_id?: string };
const inputBlockIds = (view: { blocks: unknown[] }) =>
  (view.blocks as Block[]).filter((b) => b.type === 'input').map((b) => b.block_id);

describe('Slack while the database schema is newer than this mogo (HTTP mode, fake Slack)', () => {
  let slack: FakeSlack;
  let t: TestApp;
  const { guard, setAhead } = dbSchemaGuard(() => t.db);
  let groupId: string;
  let ref: { channel: string; ts: string };

  const send = (form: string) => postSlack(t.url, form);
  const click = (responseId: string) =>
    send(
      interactionBody(
        blockActionPayload({
          user: 'UALICE',
          channel: ref.channel,
          ts: ref.ts,
          actionId: 'mogo_ack',
          value: groupId,
          responseUrl: slack.responseUrl(responseId),
        }),
      ),
    );
  const submit = (view: Record<string, unknown>) =>
    send(interactionBody(viewSubmissionPayload({ user: 'UALICE', view: { ...view, id: 'VSUBMIT' } })));
  const count = async (table: string) =>
    (await t.db.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n as number;
  const auditRows = async () => {
    await t.audit.flush();
    return t.audit.list({});
  };
  /** What Slack may have been asked to change since `since` calls (anything but reading). */
  const writesSince = (since: number) =>
    slack.calls
      .slice(since)
      .map((c) => c.method)
      .filter((m) => !/^(auth\.test|users\.|usergroups\.|conversations\.(info|members))/.test(m));

  beforeAll(async () => {
    slack = await startFakeSlack();
    t = await startTestApp({ slackApiUrl: slack.url, gate: guard });
    groupId = (await readJson(await postWebhook(t.url, fixture()))).groupId;
    const posted = await slack.waitFor((c) => c.method === 'chat.postMessage', 10_000);
    ref = { channel: posted.response?.channel as string, ts: posted.response?.ts as string };
    // a newer mogo migrates the database under this one
    await setAhead(true);
    expect(guard.notReady()).toMatch(/is newer than this mogo/);
  });
  afterAll(async () => {
    await t.close();
    await slack.close();
  });

  it('Acknowledge is answered 200 at once and told privately through response_url; nothing is acknowledged', async () => {
    const since = slack.calls.length;
    const auditBefore = (await auditRows()).length;
    const started = Date.now();
    const res = await click('ack');
    const elapsed = Date.now() - started;

    expect(res.status).toBe(200);
    expect(elapsed).toBeLessThan(3_000);
    const told = await slack.waitFor((c) => c.method === 'response_url' && c.path === '/respond/ack');
    expect(told.body).toEqual({ response_type: 'ephemeral', replace_original: false, text: NOT_READY_TEXT });
    expect((await t.alerts.getGroup(groupId))?.ack).toBeNull();
    expect(await auditRows()).toHaveLength(auditBefore);
    expect(writesSince(since)).toEqual(['response_url']);
  });

  it('a dialog with inputs (Silence, Declare incident) keeps them: errors on its first input, nothing recorded', async () => {
    const group = (await t.alerts.getGroup(groupId))!;
    const dialogs = [
      { ...silenceModal(group), private_metadata: JSON.stringify({ g: groupId }) },
      declareModal({
        meta: { channel: ref.channel, ts: ref.ts },
        title: 'checkout down',
        severity: 'SEV2',
        lead: 'UALICE',
        openGroups: [group],
        selected: [groupId],
      }),
    ];
    const auditBefore = (await auditRows()).length;
    const since = slack.calls.length;

    for (const view of dialogs) {
      const res = await submit(view as unknown as Record<string, unknown>);
      expect(res.status).toBe(200);
      const answer = await readJson(res);
      const first = inputBlockIds(view)[0]!;
      // Slack shows errors only under input blocks of the submitted view, keyed by their block_id
      expect(answer).toEqual({ response_action: 'errors', errors: { [first]: NOT_READY_TEXT } });
    }

    expect(await count('silences')).toBe(0);
    expect(await count('incidents')).toBe(0);
    expect(await auditRows()).toHaveLength(auditBefore);
    expect(writesSince(since)).toEqual([]);
  });

  it('the rollback confirmation (no inputs to hang errors on) is replaced by a modal saying so; nothing starts', async () => {
    const group = (await t.alerts.getGroup(groupId))!;
    const view = rollbackPlanView(
      {
        meta: { groupId, target: 'api-prod', requestId: 'req-1', plan: 'scale back' },
        target: TargetSchema.parse({
          name: 'api-prod',
          backend: 'kubernetes',
          environment: 'production',
          settings: { namespace: 'shop', name: 'api' },
        }),
        group,
        approvalMinutes: 15,
      },
      { summary: 'Deployment shop/api: revision 42 -> 41' },
    );
    expect(view.callback_id).toBe(CALLBACK_IDS.rollbackConfirm);
    expect(inputBlockIds(view)).toEqual([]);
    const auditBefore = (await auditRows()).length;
    const since = slack.calls.length;

    const res = await submit(view as unknown as Record<string, unknown>);

    expect(res.status).toBe(200);
    const answer = await readJson(res);
    expect(answer.response_action).toBe('update');
    expect(answer.view.type).toBe('modal');
    expect(answer.view.title.text.length).toBeLessThanOrEqual(24);
    expect(answer.view.submit).toBeUndefined(); // no inputs, so nothing to submit again
    expect(JSON.stringify(answer.view.blocks)).toContain(NOT_READY_TEXT);
    expect(await count('rollbacks')).toBe(0);
    expect(await auditRows()).toHaveLength(auditBefore);
    expect(writesSince(since)).toEqual([]);
  });

  it('when the schema is its own again the same click acknowledges', async () => {
    await setAhead(false);
    const res = await click('ack-2');
    expect(res.status).toBe(200);
    await t.audit.flush();
    expect(await t.audit.list({ action: 'alert.acknowledged' })).toEqual([
      expect.objectContaining({ actor: 'UALICE', subject: `group:${groupId}` }),
    ]);
  });
});
