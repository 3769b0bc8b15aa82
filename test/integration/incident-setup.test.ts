import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { remindDue } from '../../src/incidents/incident/events';
import { runStep } from '../../src/incidents/incident/setup';
import { createSetupWorker } from '../../src/incidents/incident/setup-worker';
import { declareIncident } from '../../src/incidents/incident-service';
import { type FakeSlack, startFakeSlack } from '../fakes/slack-server';
import { postWebhook, readJson, SIGNING_SECRET, startTestApp, type TestApp } from '../helpers/app-harness';
import { pendingSteps } from '../helpers/incident-steps';
import { eventually } from '../helpers/services';
import {
  interactionBody,
  signSlackRequest,
  slashCommandBody,
  viewSubmissionPayload,
} from '../helpers/slack-sign';

const WAIT = 20_000;
const fixture = () =>
  JSON.parse(readFileSync(join(__dirname, '../fixtures/alertmanager/firing-3-alerts.json'), 'utf8'));

async function settled(t: TestApp, number: number): Promise<void> {
  const store = t.app.incidents.deps.incidents;
  await eventually(async () => {
    const i = await store.getByNumber(number);
    return i !== null && (await pendingSteps(t.db, i.id)).length === 0;
  }, WAIT);
}

describe('incident set-up is storm-safe and resumes', () => {
  let slack: FakeSlack;
  let t: TestApp;

  beforeAll(async () => {
    slack = await startFakeSlack();
    t = await startTestApp({
      slackApiUrl: slack.url,
      incidentOptions: { setup: { pollMs: 50, leaseMs: 1_000 }, reminderEveryMs: false },
    });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await slack?.close();
  });

  it('a worker killed between steps: another takes over when its lease runs out, nothing is done twice', async () => {
    const deps = { ...t.app.incidents.deps, kick: () => {} }; // declare without waking the app's worker
    await t.app.incidents.worker.stop();
    const out = await declareIncident(deps, {
      user: 'UBOB',
      title: 'payments',
      severity: 'SEV1',
      groupIds: [],
    });
    if (out.kind !== 'declared') throw new Error(out.kind);
    const store = deps.incidents;
    // the "dead" worker: did channel and topic, then took invite and was killed before finishing it
    for (let i = 0; i < 2; i++) {
      const step = (await store.takeStep(1_000))!;
      await store.completeStep(
        step,
        ...(Object.values(await runStep(deps, step)) as [Record<string, unknown>]),
      );
    }
    const taken = await store.takeStep(1_000);
    expect(taken?.step).toBe('invite');
    expect(await store.takeStep(1_000)).toBeNull(); // leased: nobody else runs it (or anything after it)

    const survivor = createSetupWorker(deps, { leaseMs: 5_000, pollMs: 50 });
    survivor.start();
    try {
      await settled(t, out.incident.number);
    } finally {
      await survivor.stop();
      t.app.incidents.worker.start();
    }
    const incident = (await store.get(out.incident.id))!;
    const channel = slack.channel(incident.channelId!)!;
    expect(channel.members.has('UBOB')).toBe(true);
    expect(channel.pins.size).toBe(1);
    expect(
      slack.callsTo('conversations.create').filter((c) => c.body.name === 'inc-1-payments'),
    ).toHaveLength(1);
    expect(slack.callsTo('chat.postMessage').filter((c) => c.body.channel === channel.id)).toHaveLength(1);
  }, 60_000);
  it('a 429 from Slack puts the step back for Retry-After; several declarations stay inside Tier 2', async () => {
    slack.failNext('conversations.create', { error: 'ratelimited', retryAfter: 1 });
    for (const title of ['api down', 'db down', 'dns']) {
      const out = await declareIncident(t.app.incidents.deps, {
        user: 'UALICE',
        title,
        severity: 'SEV2',
        groupIds: [],
      });
      expect(out.kind).toBe('declared');
    }
    for (const n of [2, 3, 4]) await settled(t, n);
    const creates = slack.callsTo('conversations.create');
    expect(creates.filter((c) => c.rateLimited)).toHaveLength(1); // the injected one
    expect(
      creates
        .filter((c) => c.response?.ok === true)
        .map((c) => c.body.name)
        .sort(),
    ).toEqual(['inc-1-payments', 'inc-2-api-down', 'inc-3-db-down', 'inc-4-dns']);
    // mogo's own pacing kept every other Tier 2 call from bouncing off Slack's limits
    expect(slack.rateLimited()).toBe(1);
  }, 60_000);
});

describe('thread mode', () => {
  let slack: FakeSlack;
  let t: TestApp;
  let sent = 0;
  const send = (body: string) =>
    fetch(`${t.url}/slack/events`, { method: 'POST', headers: signSlackRequest(SIGNING_SECRET, body), body });

  beforeAll(async () => {
    slack = await startFakeSlack();
    t = await startTestApp({
      slackApiUrl: slack.url,
      env: { INCIDENT_MODE: 'thread' },
      incidentOptions: { setup: { pollMs: 50 }, reminderEveryMs: false },
    });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await slack?.close();
  });

  it("keeps the incident in the alert's thread: no channel, the summary is the thread's reply", async () => {
    const groupId = (await readJson(await postWebhook(t.url, fixture()))).groupId;
    const posted = await slack.waitFor(
      (c) => c.method === 'chat.postMessage' && c.body.channel === '#alerts-critical',
      WAIT,
    );
    const ref = { channel: posted.response?.channel as string, ts: posted.response?.ts as string };
    const view = { callback_id: 'mogo_incident_declare_modal', private_metadata: JSON.stringify(ref) };
    const values = {
      incident_title: { value: { type: 'plain_text_input', value: 'Latency' } },
      incident_severity: { value: { type: 'static_select', selected_option: { value: 'SEV2' } } },
      incident_lead: { value: { type: 'users_select', selected_user: 'UALICE' } },
      incident_groups: { value: { type: 'multi_static_select', selected_options: [{ value: groupId }] } },
    };
    expect(
      (
        await send(
          interactionBody(viewSubmissionPayload({ user: 'UALICE', view: { ...view, state: { values } } })),
        )
      ).status,
    ).toBe(200);
    await settled(t, 1);
    const incident = (await t.app.incidents.deps.incidents.getByNumber(1))!;
    expect(incident).toMatchObject({ mode: 'thread', channelId: ref.channel, threadTs: ref.ts });
    expect(slack.callsTo('conversations.create')).toHaveLength(0);
    const summary = slack.callsTo('chat.postMessage').find((c) => c.body.thread_ts === ref.ts)!;
    expect(String(summary.body.text)).toContain('Incident 1: Latency');
    expect(incident.summaryTs).toBe(summary.response?.ts);

    // commands name the incident by number there (a slash command does not say which thread it came from)
    const note = await readJson(
      await send(
        slashCommandBody({
          command: '/incident',
          text: 'note #1 rolled back api',
          user_id: 'UBOB',
          channel_id: ref.channel,
          trigger_id: `t${++sent}`,
        }),
      ),
    );
    expect(note.text).toContain('Added to the timeline of incident 1');
    expect((await t.app.incidents.deps.incidents.timeline(incident.id)).map((e) => e.text)).toContain(
      'rolled back api',
    );

    // no update for longer than a SEV2's hour: one reminder in the thread, then quiet for another hour
    const later = { now: () => new Date(Date.now() + 61 * 60_000) };
    const deps = { ...t.app.incidents.deps, clock: later };
    expect(await remindDue(deps)).toBe(1);
    expect(await remindDue(deps)).toBe(0);
    const reminder = await slack.waitFor(
      (c) => c.method === 'chat.postMessage' && String(c.body.text).includes('no update'),
      WAIT,
    );
    expect(reminder.body.thread_ts).toBe(ref.ts);

    // declared by command, away from any alert: a new message in that channel starts the incident's thread
    const byCommand = {
      callback_id: 'mogo_incident_declare_modal',
      private_metadata: JSON.stringify({ channel: 'CGENERAL' }),
    };
    const noGroups = { ...values, incident_title: { value: { type: 'plain_text_input', value: 'Billing' } } };
    delete (noGroups as Record<string, unknown>).incident_groups;
    await send(
      interactionBody(
        viewSubmissionPayload({ user: 'UBOB', view: { ...byCommand, state: { values: noGroups } } }),
      ),
    );
    await settled(t, 2);
    const second = (await t.app.incidents.deps.incidents.getByNumber(2))!;
    const root = slack.callsTo('chat.postMessage').find((c) => c.body.channel === 'CGENERAL')!;
    expect(root.body.thread_ts).toBeUndefined();
    expect(second).toMatchObject({
      mode: 'thread',
      channelId: 'CGENERAL',
      threadTs: root.response?.ts,
      summaryTs: root.response?.ts,
    });
  });
});
