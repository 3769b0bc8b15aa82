import type { Incident } from '../../src/domain/incident';
import { MAX_SEARCH_PAGES } from '../../src/incidents/incident/channel-step';
import { runStep } from '../../src/incidents/incident/setup';
import { declareIncident } from '../../src/incidents/incident-service';
import type { RateBudget } from '../../src/ports';
import { type FakeSlack, startFakeSlack } from '../fakes/slack-server';
import { startTestApp, type TestApp } from '../helpers/app-harness';
import { pendingSteps } from '../helpers/incident-steps';
import { eventually } from '../helpers/services';

const WAIT = 30_000;

/** Declares an incident with the app's worker stopped, so the test decides what happens to its first step. */
async function declare(t: TestApp, title: string): Promise<Incident> {
  await t.app.incidents.worker.stop();
  const deps = { ...t.app.incidents.deps, kick: () => {} };
  const out = await declareIncident(deps, { user: 'UBOB', title, severity: 'SEV2', groupIds: [] });
  if (out.kind !== 'declared') throw new Error(out.kind);
  return out.incident;
}

/** A worker that took the channel step, had Slack make the channel, and died before recording it. */
async function dieAfterCreate(t: TestApp): Promise<void> {
  const step = (await t.app.incidents.deps.incidents.takeStep(500))!;
  expect(step.step).toBe('channel');
  await runStep(t.app.incidents.deps, step);
}

/** The app's worker takes over (once the dead one's lease runs out) and finishes the set-up. */
async function resume(t: TestApp, id: string): Promise<Incident> {
  t.app.incidents.worker.start();
  await eventually(async () => (await pendingSteps(t.db, id)).length === 0, WAIT);
  return (await t.app.incidents.deps.incidents.get(id))!;
}

const channelsNamed = (slack: FakeSlack, prefix: string) =>
  slack
    .callsTo('conversations.create')
    .filter((c) => c.response?.ok === true && String(c.body.name).startsWith(prefix))
    .map((c) => c.body.name);

describe('an incident keeps one channel across a crash', () => {
  let slack: FakeSlack;
  let t: TestApp;

  beforeAll(async () => {
    // one channel per conversations.list page, so the search reads several pages inside Tier 2
    slack = await startFakeSlack({ listPageMax: 1 });
    for (const name of ['general', 'random', 'ops']) slack.addChannel(name, 'UALICE');
    t = await startTestApp({
      slackApiUrl: slack.url,
      incidentOptions: { setup: { pollMs: 50, leaseMs: 500 }, reminderEveryMs: false },
    });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await slack?.close();
  });

  it('Slack made the channel, the process died before recording it: the retry finds it and keeps it', async () => {
    const declared = await declare(t, 'payments');
    await dieAfterCreate(t);
    const orphan = slack.channel('inc-1-payments')!;

    const incident = await resume(t, declared.id);

    expect(incident).toMatchObject({ channelId: orphan.id, channelName: 'inc-1-payments' });
    expect(channelsNamed(slack, 'inc-1-')).toEqual(['inc-1-payments']);
    expect(orphan.members.has('UBOB')).toBe(true);
    expect(orphan.pins.size).toBe(1);
    // the search read page by page, deferred inside Tier 2 and went on where it stopped: no page read twice
    const cursors = slack
      .callsTo('conversations.list')
      .filter((c) => !c.rateLimited)
      .map((c) => c.body.cursor);
    expect(cursors).toHaveLength(4);
    expect(new Set(cursors).size).toBe(4);
    expect(slack.rateLimited()).toBe(0);
  }, 60_000);

  it("on a retry, a person's channel found by the search is not taken: the -2 suffix", async () => {
    const declared = await declare(t, 'dns');
    // the dead worker recorded the name, then died before Slack had the request; someone took the name since
    const step = (await t.app.incidents.deps.incidents.takeStep(500))!;
    await t.app.incidents.deps.incidents.recordStep(step, { attempt: 1, name: 'inc-2-dns' });
    slack.addChannel('inc-2-dns', 'UALICE');

    const incident = await resume(t, declared.id);

    expect(incident.channelName).toBe('inc-2-dns-2');
    expect(slack.channel('inc-2-dns')!.members.has('UBOB')).toBe(false);
  }, 60_000);
  it("on a retry, mogo's own channel of another incident is not taken (a pattern without {n})", async () => {
    const other = await declare(t, 'cache');
    const otherDone = await resume(t, other.id);
    const declared = await declare(t, 'cache again');
    // as a pattern without the number would name it: the same name as the other incident's channel
    const step = (await t.app.incidents.deps.incidents.takeStep(500))!;
    await t.app.incidents.deps.incidents.recordStep(step, { attempt: 1, name: otherDone.channelName });

    const incident = await resume(t, declared.id);

    expect(incident.channelId).not.toBe(otherDone.channelId);
    expect(incident.channelName).toBe(`inc-${declared.number}-cache-again-2`);
  }, 60_000);

  it("a person's channel of the same name gets the -2 suffix without a search", async () => {
    slack.addChannel('inc-5-db-down', 'UALICE');
    const lists = slack.callsTo('conversations.list').length;
    const declared = await declare(t, 'db down');

    const incident = await resume(t, declared.id);

    expect(incident.channelName).toBe('inc-5-db-down-2');
    expect(slack.channel('inc-5-db-down')!.creator).toBe('UALICE');
    expect(slack.callsTo('conversations.list')).toHaveLength(lists);
  }, 60_000);
});

describe('a workspace with more channels than the search reads', () => {
  let slack: FakeSlack;
  let t: TestApp;
  const unlimited: RateBudget = { take: async () => 0, pause: async () => {} };

  beforeAll(async () => {
    slack = await startFakeSlack({ listPageMax: 1, limits: false });
    for (let i = 0; i < MAX_SEARCH_PAGES + 2; i++) slack.addChannel(`team-${i}`, 'UALICE');
    t = await startTestApp({
      slackApiUrl: slack.url,
      budget: unlimited,
      incidentOptions: { setup: { pollMs: 50, leaseMs: 500 }, reminderEveryMs: false },
    });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await slack?.close();
  });

  it('stops after the page bound and takes the next name', async () => {
    const declared = await declare(t, 'payments');
    await dieAfterCreate(t);

    const incident = await resume(t, declared.id);

    expect(slack.callsTo('conversations.list')).toHaveLength(MAX_SEARCH_PAGES);
    expect(incident.channelName).toBe('inc-1-payments-2');
  }, 60_000);
});
