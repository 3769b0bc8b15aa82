import type { Incident } from '../../src/domain/incident';
import { declareIncident } from '../../src/incidents/incident-service';
import { type FakeSlack, startFakeSlack } from '../fakes/slack-server';
import { readJson, SIGNING_SECRET, startTestApp, type TestApp } from '../helpers/app-harness';
import { dbSchemaGuard } from '../helpers/schema-ahead';
import { eventually } from '../helpers/services';
import { eventBody, type SlackSignedHeaders, signSlackJson } from '../helpers/slack-sign';

const WAIT = 20_000;

/**
 * Slack events reaching a replica older than its database schema (HTTP mode): answered 503 so Slack retries them
 * (to an upgraded replica) instead of acked and lost, and not remembered, so the retry is taken even with the very
 * same signed headers; once taken, a replay is refused as before. Clicks, dialogs and commands keep their polite
 * 200 answers (schema-guard-slack.test.ts).
 */
describe('Slack events while the database schema is newer than this mogo (HTTP mode, fake Slack)', () => {
  let slack: FakeSlack;
  let t: TestApp;
  let incident: Incident;
  const { guard, setAhead: setSchemaAhead } = dbSchemaGuard(() => t.db);

  const post = (body: string, headers: SlackSignedHeaders) =>
    fetch(`${t.url}/slack/events`, { method: 'POST', headers, body });
  const onTimeline = async (sourceRef: string) =>
    (await t.app.incidents.deps.incidents.timeline(incident.id)).filter((e) => e.sourceRef === sourceRef);
  const pushpin = (ts: string) =>
    eventBody({
      type: 'reaction_added',
      user: 'UALICE',
      reaction: 'pushpin',
      item_user: 'UBOB',
      item: { type: 'message', channel: incident.channelId, ts },
    });

  beforeAll(async () => {
    slack = await startFakeSlack();
    t = await startTestApp({
      slackApiUrl: slack.url,
      gate: guard,
      incidentOptions: { setup: { pollMs: 50, leaseMs: 5_000 }, reminderEveryMs: false },
    });
    const out = await declareIncident(t.app.incidents.deps, {
      user: 'UBOB',
      title: 'payments down',
      severity: 'SEV2',
      groupIds: [],
    });
    if (out.kind !== 'declared') throw new Error(out.kind);
    await eventually(
      async () => Boolean((await t.app.incidents.deps.incidents.get(out.incident.id))?.channelId),
      WAIT,
    );
    incident = (await t.app.incidents.deps.incidents.get(out.incident.id))!;
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await slack?.close();
  });

  it('a reaction is answered 503 and not recorded; the same signed request is recorded once the schema is its own', async () => {
    const ts = slack.addUserMessage(incident.channelId!, 'UBOB', 'restarted the payments db');
    const body = pushpin(ts);
    const headers = signSlackJson(SIGNING_SECRET, body);
    await setSchemaAhead(true);

    const held = await post(body, headers);

    expect(held.status).toBe(503);
    expect((await readJson(held)).error).toMatchObject({ code: 'NOT_READY', retryable: true });
    expect(await onTimeline(`message:${incident.channelId}:${ts}`)).toEqual([]);
    // Slack's immediate retry may reach this replica again before readiness has taken it out of the Service
    expect((await post(body, headers)).status).toBe(503);

    await setSchemaAhead(false);
    // the same body and headers: accepted, as nothing was remembered of the 503s
    const retried = await post(body, headers);

    expect(retried.status).toBe(200);
    await eventually(
      async () => (await onTimeline(`message:${incident.channelId}:${ts}`)).length === 1,
      WAIT,
    );
    // handled once: sending it again now is a replay
    const replay = await post(body, headers);
    expect(replay.status).toBe(401);
    expect((await readJson(replay)).error.why).toBe('replayed');
  });

  it('a retry Slack signs anew (a later timestamp) is recorded too', async () => {
    const ts = slack.addUserMessage(incident.channelId!, 'UBOB', 'failed over to the replica');
    const body = pushpin(ts);
    await setSchemaAhead(true);
    expect((await post(body, signSlackJson(SIGNING_SECRET, body))).status).toBe(503);

    await setSchemaAhead(false);
    await new Promise((r) => setTimeout(r, 1_100)); // a new second, so a new signature
    const retried = await post(body, signSlackJson(SIGNING_SECRET, body));

    expect(retried.status).toBe(200);
    await eventually(
      async () => (await onTimeline(`message:${incident.channelId}:${ts}`)).length === 1,
      WAIT,
    );
  });
});
