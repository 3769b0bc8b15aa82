import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type FakeSlack, startFakeSlack } from '../fakes/slack-server';
import { postWebhook, readJson, SIGNING_SECRET, startTestApp, type TestApp } from '../helpers/app-harness';
import { eventually, requirePostgres, type TestPostgres, testPostgres } from '../helpers/services';
import {
  blockActionPayload,
  interactionBody,
  signSlackRequest,
  viewSubmissionPayload,
} from '../helpers/slack-sign';

const fixture = (groupKey: string) => {
  const body = JSON.parse(
    readFileSync(join(__dirname, '../fixtures/alertmanager/firing-3-alerts.json'), 'utf8'),
  );
  body.groupKey = groupKey;
  return body;
};

/**
 * Issue 9, items 1-3 for what people type into Slack: an incident title from the declare dialog is stored with
 * U+FFFD for what PostgreSQL refuses, and shown back as text; the Declare, Silence… and Unsilence buttons,
 * like every group button, act only on the group of the message they were clicked on.
 */
(requirePostgres() ? describe : describe.skip)('text typed into Slack (real PostgreSQL)', () => {
  let pg: TestPostgres;
  let slack: FakeSlack;
  let t: TestApp;
  const msgs: { id: string; channel: string; ts: string }[] = [];

  const send = (form: string) =>
    fetch(`${t.url}/slack/events`, {
      method: 'POST',
      headers: signSlackRequest(SIGNING_SECRET, form),
      body: form,
    });
  const declareClick = (on: { channel: string; ts: string }, value: string, user: string) =>
    send(
      interactionBody(
        blockActionPayload({ user, ...on, actionId: 'mogo_incident_declare', value, triggerId: `t-${user}` }),
      ),
    );

  beforeAll(async () => {
    pg = testPostgres();
    slack = await startFakeSlack();
    t = await startTestApp({
      db: await pg.open(),
      slackApiUrl: slack.url,
      env: { INCIDENT_BROADCAST_CHANNEL: '#incidents' },
      // the Silence… and Unsilence buttons need Alertmanager's API; a forged click must never reach it
      alertmanagerUrl: 'http://127.0.0.1:9',
      incidentOptions: { setup: { pollMs: 50, leaseMs: 5_000 }, reminderEveryMs: false },
    });
    for (const key of ['{}:{text="A"}', '{}:{text="C"}']) {
      const { groupId } = await readJson(await postWebhook(t.url, fixture(key)));
      await eventually(async () => (await t.alerts.getMessage(groupId)) !== null, 10_000);
      msgs.push({ id: groupId, ...(await t.alerts.getMessage(groupId))! });
    }
  }, 60_000);
  afterAll(async () => {
    await t.close();
    await slack.close();
    await pg.drop();
  });

  it('a Declare click on message A whose value names group C opens nothing', async () => {
    const [a, c] = msgs;
    expect((await declareClick(a!, c!.id, 'UEVE')).status).toBe(200);
    const eph = await slack.waitFor((x) => x.method === 'chat.postEphemeral' && x.body.user === 'UEVE');
    expect(eph.body.text).toBe('This button does not belong to this message; nothing was changed.');
    expect(slack.callsTo('views.open')).toHaveLength(0);
  });

  it.each([
    ['Silence…', 'mogo_silence'],
    ['Unsilence', 'mogo_unsilence'],
  ])('a %s click on message A whose value names group C changes nothing', async (_, actionId) => {
    const [a, c] = msgs;
    const user = `U${actionId.toUpperCase().replace(/_/g, '')}`;
    const form = interactionBody(blockActionPayload({ user, ...a!, actionId, value: c!.id }));
    expect((await send(form)).status).toBe(200);
    const eph = await slack.waitFor((x) => x.method === 'chat.postEphemeral' && x.body.user === user);
    expect(eph.body.text).toBe('This button does not belong to this message; nothing was changed.');
    expect(slack.callsTo('views.open')).toHaveLength(0);
  });

  it('a title with NUL, a lone surrogate and a mention is stored with U+FFFD and announced as text', async () => {
    const [a] = msgs;
    await declareClick(a!, a!.id, 'UALICE');
    const opened = await slack.waitFor((x) => x.method === 'views.open', 10_000);
    const view = opened.body.view as Record<string, unknown>;
    const values = {
      incident_title: { value: { type: 'plain_text_input', value: 'DB\u0000 down\ud800 <!channel> *now*' } },
      incident_severity: { value: { type: 'static_select', selected_option: { value: 'SEV2' } } },
      incident_lead: { value: { type: 'users_select', selected_user: 'UALICE' } },
      incident_groups: {
        value: { type: 'multi_static_select', selected_options: [{ value: a!.id }] },
      },
    };
    const form = interactionBody(
      viewSubmissionPayload({ user: 'UALICE', view: { ...view, state: { values } } }),
    );
    expect((await send(form)).status).toBe(200);

    const incidents = t.app.incidents.deps.incidents;
    await eventually(async () => (await incidents.getByNumber(1)) !== null, 10_000);
    expect((await incidents.getByNumber(1))!.title).toBe('DB\ufffd down\ufffd <!channel> *now*');
    const announced = await slack.waitFor(
      (x) => x.method === 'chat.postMessage' && x.body.channel === '#incidents',
      20_000,
    );
    const shown = `${announced.body.text}\n${JSON.stringify(announced.body.blocks)}`;
    expect(shown).not.toContain('<!channel>');
    expect(shown).not.toContain('*now*');
    expect(shown).toContain('&lt;!channel&gt;');
  });
});
