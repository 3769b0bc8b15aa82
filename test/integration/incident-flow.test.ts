import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeSlack, startFakeSlack } from '../fakes/slack-server';
import {
  postWebhook,
  REPO_RULES,
  readJson,
  SIGNING_SECRET,
  startTestApp,
  type TestApp,
} from '../helpers/app-harness';
import { pendingSteps } from '../helpers/incident-steps';
import { eventually } from '../helpers/services';
import {
  blockActionPayload,
  eventBody,
  interactionBody,
  signSlackJson,
  signSlackRequest,
  slashCommandBody,
  viewSubmissionPayload,
} from '../helpers/slack-sign';

const fixture = () => {
  const body = JSON.parse(
    readFileSync(join(__dirname, '../fixtures/alertmanager/firing-3-alerts.json'), 'utf8'),
  );
  body.commonLabels.team = 'payments';
  for (const a of body.alerts) a.labels.team = 'payments';
  return body;
};

/** The repository's rules, plus an on-call rotation for team payments and an incident admin. */
function rulesDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mogo-incident-rules-'));
  cpSync(REPO_RULES, dir, { recursive: true });
  writeFileSync(
    join(dir, '90-incidents.yml'),
    `version: 1
rotations:
  - team: payments
    members: [UONCALL]
    rotation: weekly
    handoff: "09:00"
    time_zone: UTC
    start: "2026-01-05"
roles:
  - name: incident-admins
    users: [UADMIN]
    permissions:
      - action: incident_admin
`,
  );
  return dir;
}

const WAIT = 20_000;

describe('incidents in Slack (HTTP mode, fake Slack)', () => {
  let slack: FakeSlack;
  let t: TestApp;
  let dir: string;
  let groupId: string;
  let alertRef: { channel: string; ts: string };
  let sent = 0;

  const send = (body: string, headers = signSlackRequest(SIGNING_SECRET, body)) =>
    fetch(`${t.url}/slack/events`, { method: 'POST', headers, body });
  // a fresh trigger id each time: the same command twice in one second is not a replay of the first
  const command = async (user: string, text: string, channel = 'CSOMEWHERE') => {
    const trigger_id = `trigger-${++sent}`;
    return readJson(
      await send(
        slashCommandBody({ command: '/incident', text, user_id: user, channel_id: channel, trigger_id }),
      ),
    );
  };
  const event = (e: Record<string, unknown>) => {
    const body = eventBody(e);
    return send(body, signSlackJson(SIGNING_SECRET, body));
  };
  const submitDeclare = async (user: string, values: Record<string, unknown>) => {
    const before = slack.callsTo('views.open').length;
    const opened = slack.callsTo('views.open')[before - 1]!;
    const view = opened.body.view as Record<string, unknown>;
    return send(interactionBody(viewSubmissionPayload({ user, view: { ...view, state: { values } } })));
  };
  const values = (title: string, severity: string, lead: string, groups: string[] = []) => ({
    incident_title: { value: { type: 'plain_text_input', value: title } },
    incident_severity: { value: { type: 'static_select', selected_option: { value: severity } } },
    incident_lead: { value: { type: 'users_select', selected_user: lead } },
    incident_groups: {
      value: { type: 'multi_static_select', selected_options: groups.map((value) => ({ value })) },
    },
  });
  const incidentNo = (n: number) => t.app.incidents.deps.incidents.getByNumber(n);
  const setUp = async (n: number) =>
    eventually(async () => {
      const i = await incidentNo(n);
      return i !== null && (await pendingSteps(t.db, i.id)).length === 0;
    }, WAIT);

  beforeAll(async () => {
    dir = rulesDir();
    slack = await startFakeSlack({ channels: { 'inc-2-db-down': 'CTAKEN' } });
    t = await startTestApp({
      slackApiUrl: slack.url,
      rulesDir: dir,
      // the channel is archived about a second after close
      env: { INCIDENT_BROADCAST_CHANNEL: '#incidents', INCIDENT_ARCHIVE_AFTER_HOURS: '0.0003' },
      incidentOptions: { setup: { pollMs: 50, leaseMs: 5_000 }, reminderEveryMs: false },
    });
    groupId = (await readJson(await postWebhook(t.url, fixture()))).groupId;
    const posted = await slack.waitFor(
      (c) => c.method === 'chat.postMessage' && c.body.channel === '#alerts-critical',
      WAIT,
    );
    alertRef = { channel: posted.response?.channel as string, ts: posted.response?.ts as string };
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await slack?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a P1 alert offers Declare incident; the button opens the modal with the alert chosen', async () => {
    const posted = slack.callsTo('chat.postMessage').find((c) => c.body.channel === '#alerts-critical')!;
    expect(JSON.stringify(posted.body.blocks)).toContain('"action_id":"mogo_incident_declare"');

    const res = await send(
      interactionBody(
        blockActionPayload({
          user: 'UALICE',
          ...alertRef,
          actionId: 'mogo_incident_declare',
          value: groupId,
        }),
      ),
    );
    expect(res.status).toBe(200);
    const opened = await slack.waitFor((c) => c.method === 'views.open', WAIT);
    const view = JSON.stringify(opened.body.view);
    expect(view).toContain('"initial_user":"UALICE"');
    expect(view).toContain(`"initial_options":[{"text":{"type":"plain_text","text":"P1 HighLatency`);
    expect(view).toContain('"value":"SEV1"');
  });

  it('submitting declares incident 1: channel, topic, on-call and lead invited, pinned summary, announcement', async () => {
    expect(
      (await submitDeclare('UALICE', values('Checkout latency', 'SEV1', 'UALICE', [groupId]))).status,
    ).toBe(200);
    await setUp(1);
    const incident = (await incidentNo(1))!;
    expect(incident).toMatchObject({
      title: 'Checkout latency',
      severity: 'SEV1',
      channelName: 'inc-1-checkout-latency',
      groupIds: [groupId],
    });
    const channel = slack.channel('inc-1-checkout-latency')!;
    expect(channel.id).toBe(incident.channelId);
    expect(channel.topic).toContain('SEV1');
    expect([...channel.members].sort()).toEqual(['UALICE', 'UBOT', 'UONCALL']);
    expect([...channel.pins]).toEqual([incident.summaryTs]);
    expect(channel.bookmarks.map((b) => b.title)).toContain('Runbook');
    const announced = slack.callsTo('chat.postMessage').find((c) => c.body.channel === '#incidents')!;
    expect(String(announced.body.text)).toContain(`<#${channel.id}>`);
    const threadReply = slack.callsTo('chat.postMessage').find((c) => c.body.thread_ts === alertRef.ts)!;
    expect(String(threadReply.body.text)).toContain('incident 1');
    expect((await t.app.incidents.deps.incidents.findOpenByGroup(groupId))?.number).toBe(1);
  });

  it('the same alert is not declared twice: the button says where the incident is', async () => {
    const before = slack.callsTo('views.open').length;
    await send(
      interactionBody(
        blockActionPayload({ user: 'UBOB', ...alertRef, actionId: 'mogo_incident_declare', value: groupId }),
      ),
    );
    const eph = await slack.waitFor((c) => c.method === 'chat.postEphemeral' && c.body.user === 'UBOB', WAIT);
    expect(eph.body.text).toContain('already in incident 1');
    expect(slack.callsTo('views.open')).toHaveLength(before);
  });

  it('/incident declare opens the modal; a channel name in use gets a suffix', async () => {
    const answer = await command('UCAROL', 'declare DB down', 'CGENERAL');
    expect(answer.text).toContain('Opening');
    const opened = await slack.waitFor(
      (c) => c.method === 'views.open' && JSON.stringify(c.body.view).includes('DB down'),
      WAIT,
    );
    expect(JSON.stringify(opened.body.view)).toContain('"initial_value":"DB down"');
    await submitDeclare('UCAROL', values('DB down', 'SEV3', 'UCAROL'));
    await setUp(2);
    expect((await incidentNo(2))?.channelName).toBe('inc-2-db-down-2');
    expect(slack.callsTo('conversations.create').map((c) => c.response?.error ?? 'ok')).toEqual([
      'ok',
      'name_taken',
      'ok',
    ]);
  });

  it('a pushpin reaction puts the message on the timeline with its own time and author, once', async () => {
    const incident = (await incidentNo(1))!;
    const ts = slack.addUserMessage(incident.channelId!, 'UBOB', 'restarted the payments db');
    const reaction = {
      type: 'reaction_added',
      user: 'UALICE',
      reaction: 'pushpin',
      item_user: 'UBOB',
      item: { type: 'message', channel: incident.channelId, ts },
    };
    expect((await event(reaction)).status).toBe(200);
    await eventually(
      async () =>
        (await t.app.incidents.deps.incidents.timeline(incident.id)).some((e) => e.kind === 'message'),
      WAIT,
    );
    await event(reaction); // Slack retries, or a second person reacts: still one entry
    await event({
      type: 'reaction_added',
      user: 'UALICE',
      reaction: 'thumbsup',
      item: { type: 'message', channel: incident.channelId, ts },
    });
    await t.audit.flush();
    const entries = (await t.app.incidents.deps.incidents.timeline(incident.id)).filter(
      (e) => e.kind === 'message',
    );
    expect(entries).toEqual([
      {
        kind: 'message',
        at: new Date(Math.round(Number(ts) * 1000)),
        author: 'UBOB',
        text: 'restarted the payments db',
        sourceRef: `message:${incident.channelId}:${ts}`,
      },
    ]);
    const history = slack.callsTo('conversations.history');
    expect(history.every((c) => c.body.limit === '1' && c.body.latest === ts)).toBe(true);
  });

  it('a pin carries its message: on the timeline without reading it; someone joining is noted', async () => {
    const incident = (await incidentNo(1))!;
    const reads = slack.callsTo('conversations.history').length;
    const ts = slack.addUserMessage(incident.channelId!, 'UCAROL', 'p99 back under 300 ms');
    const pin = {
      type: 'pin_added',
      user: 'UALICE',
      channel_id: incident.channelId,
      item: {
        type: 'message',
        channel: incident.channelId,
        message: { ts, user: 'UCAROL', text: 'p99 back under 300 ms' },
      },
    };
    expect((await event(pin)).status).toBe(200);
    expect(
      (
        await event({
          type: 'member_joined_channel',
          user: 'UDAVE',
          channel: incident.channelId,
          channel_type: 'C',
        })
      ).status,
    ).toBe(200);
    const store = t.app.incidents.deps.incidents;
    await eventually(async () => {
      const kinds = (await store.timeline(incident.id)).map((e) => e.kind);
      return kinds.filter((k) => k === 'message').length === 2 && kinds.includes('joined');
    }, WAIT);
    const entry = (await store.timeline(incident.id)).find((e) => e.text === 'p99 back under 300 ms');
    expect(entry).toMatchObject({ author: 'UCAROL', at: new Date(Math.round(Number(ts) * 1000)) });
    expect(slack.callsTo('conversations.history')).toHaveLength(reads);
  });

  it('steering is limited to the lead, role holders and incident admins', async () => {
    const channel = (await incidentNo(1))!.channelId!;
    expect((await command('UEVE', 'severity SEV2', channel)).text).toContain(
      "Only the incident's lead (<@UALICE>)",
    );
    expect((await incidentNo(1))?.severity).toBe('SEV1');
    expect((await command('UALICE', 'role comms <@UCAROL>', channel)).text).toContain('<@UCAROL> is comms');
    expect((await command('UCAROL', 'status identified', channel)).text).toContain('is identified');
    expect((await command('UADMIN', 'severity 2', channel)).text).toContain('now SEV2');
    expect((await command('UEVE', 'note customers see timeouts', channel)).text).toContain(
      'Added to the timeline',
    );
    expect((await command('UALICE', 'close', channel)).text).toContain('cannot go from identified to closed');
    await eventually(async () => slack.channel(channel)?.members.has('UCAROL') ?? false, WAIT);
  });

  it('resolve, then close: the postmortem draft is uploaded with the timeline, roles and times', async () => {
    const incident = (await incidentNo(1))!;
    const channel = incident.channelId!;
    expect((await command('UALICE', 'followup alert on queue depth', channel)).text).toContain(
      'Follow-up recorded',
    );
    expect((await command('UALICE', 'status monitoring', channel)).text).toBe('Incident 1 is monitoring.');
    expect((await command('UALICE', 'resolve', channel)).text).toContain('Incident 1 is resolved.');
    expect((await command('UALICE', 'close', channel)).text).toContain('Incident 1 is closed.');
    await eventually(async () => (await incidentNo(1))?.status === 'closed', WAIT);
    await eventually(async () => (slack.channel(channel)?.files.length ?? 0) > 0, WAIT);
    const md = slack.channel(channel)!.files[0]!.content;
    expect(md).toContain('# Incident 1: Checkout latency');
    expect(md).toContain('- lead: <@UALICE>');
    expect(md).toContain('- comms: <@UCAROL>');
    expect(md).toMatch(/\| <@UBOB> \| restarted the payments db \|/);
    expect(md).toContain('Status: investigating → identified');
    expect(md).toContain('Alert fired');
    expect(md).toContain('- [ ] alert on queue depth (<@UALICE>)');
    expect(md).toMatch(
      /\| Time to acknowledge \| Time to mitigate \| Time to resolve \|\n\| --- \| --- \| --- \|\n\| — \| \d+ s \| \d+ s \|/,
    );
    const lines = md.split('\n').filter((l) => /^\| \d{4}-/.test(l));
    const times = lines.map((l) => l.slice(2, 22));
    expect([...times].sort()).toEqual(times); // in time order
    await eventually(async () => slack.channel(channel)?.archived === true, WAIT);
    await eventually(async () => (await incidentNo(1))?.archivedAt instanceof Date, WAIT);
    expect(await pendingSteps(t.db, incident.id)).toEqual([]);
  });
});
