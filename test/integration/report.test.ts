/**
 * Reports: `/incident report` answers at once, a worker builds the report from a seeded database off the request
 * path and uploads a Markdown and a CSV file to the requester through Slack's external upload flow; the figures
 * are checked against ones computed by hand. A job whose worker died is taken again when its lease ends.
 */

import { reportCommand } from '../../src/cli/report-command';
import type { Alert, Priority } from '../../src/domain/alert';
import { type AlertGroup, groupIdOf } from '../../src/domain/group';
import { buildReportFor, queueWeeklyReports } from '../../src/incidents/report/run';
import type { ReportRequest } from '../../src/ports';
import { createSqlReportJobs, createSqlReportSource } from '../../src/store/sql-reports';
import { type FakeSlack, startFakeSlack } from '../fakes/slack-server';
import { readJson, SIGNING_SECRET, startTestApp, type TestApp } from '../helpers/app-harness';
import { eventually, requirePostgres, type TestPostgres, testPostgres } from '../helpers/services';
import { signSlackRequest, slashCommandBody } from '../helpers/slack-sign';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

// real PostgreSQL: it starts in milliseconds where the embedded one needs seconds of CPU on a loaded machine
const describeWithPg = requirePostgres() ? describe : describe.skip;

describeWithPg('reports queued for export', () => {
  let slack: FakeSlack;
  let t: TestApp;
  let pg: TestPostgres;
  const now = Date.now();
  const iso = (ms: number) => new Date(ms).toISOString();

  /** A group as the store keeps it, written with its alert.received rows (one per notification). */
  async function seed(
    name: string,
    g: {
      alertname: string;
      service?: string;
      priority: Priority;
      created: number;
      alerts: number;
      ackAfter?: number;
      resolvedAfter?: number;
      notifications: number;
    },
  ) {
    const id = groupIdOf(`key-${name}`);
    const alerts: Alert[] = Array.from({ length: g.alerts }, (_, i) => ({
      fingerprint: `${id}-${i}`,
      status: g.resolvedAfter === undefined ? 'firing' : 'resolved',
      labels: { alertname: g.alertname, ...(g.service ? { service: g.service } : {}), i: String(i) },
      annotations: {},
      startsAt: iso(g.created),
      endsAt: null,
      generatorURL: '',
      ...(g.resolvedAfter === undefined ? {} : { resolvedAt: iso(g.created + g.resolvedAfter - i * MIN) }),
    }));
    const group: AlertGroup = {
      id,
      groupKey: `key-${name}`,
      receiver: 'r',
      status: g.resolvedAfter === undefined ? 'firing' : 'resolved',
      groupLabels: { alertname: g.alertname },
      commonLabels: { alertname: g.alertname, ...(g.service ? { service: g.service } : {}) },
      commonAnnotations: {},
      externalURL: '',
      truncatedAlerts: 0,
      alerts,
      // digest-only, so the seeding posts nothing to Slack
      routing: {
        priority: g.priority,
        score: 1,
        channel: '#alerts',
        mentions: [],
        notify: false,
        matched: [],
      },
      ack: g.ackAfter === undefined ? null : { by: 'UOPS', at: iso(g.created + g.ackAfter) },
      version: 0,
      createdAt: iso(g.created),
      updatedAt: iso(g.created),
    };
    await t.alerts.mutateGroup(group.groupKey, () => ({
      next: group,
      audit: Array.from({ length: g.notifications }, () => ({
        actor: 'alertmanager',
        action: 'alert.received',
        subject: `group:${id}`,
        details: {},
      })),
    }));
    return id;
  }

  beforeAll(async () => {
    slack = await startFakeSlack({ limits: false });
    pg = testPostgres();
    t = await startTestApp({ slackApiUrl: slack.url, db: await pg.open({ max: 4 }) });
    const g1 = await seed('g1', {
      alertname: 'PaymentsDown',
      service: 'payments',
      priority: 'P1',
      created: now - 3 * DAY,
      alerts: 2,
      ackAfter: 4 * MIN,
      resolvedAfter: 30 * MIN,
      notifications: 3,
    });
    await seed('g2', {
      alertname: 'PaymentsDown',
      service: 'payments',
      priority: 'P1',
      created: now - 2 * DAY,
      alerts: 1,
      ackAfter: 10 * MIN,
      resolvedAfter: 60 * MIN,
      notifications: 2,
    });
    const g3 = await seed('g3', {
      alertname: 'DiskFull',
      service: 'db',
      priority: 'P2',
      created: now - 1 * DAY,
      alerts: 3,
      ackAfter: 2 * MIN,
      notifications: 4,
    });
    await seed('g4', {
      alertname: 'Heartbeat',
      priority: 'P3',
      created: now - HOUR,
      alerts: 1,
      resolvedAfter: 5 * MIN,
      notifications: 1,
    });
    // first seen before the period: not in it
    await seed('g5', {
      alertname: 'DiskFull',
      service: 'db',
      priority: 'P4',
      created: now - 10 * DAY,
      alerts: 1,
      notifications: 7,
    });
    const row = (action: string, subject: string) => t.audit.append({ actor: 'mogo', action, subject });
    row('alert.escalated', `group:${g1}`);
    row('alert.escalated', `group:${g1}`);
    row('alert.escalated', `group:${g3}`);
    row('alert.reminded', `group:${g3}`);
    row('alert.silenced', `group:${g3}`);
    row('alert.silenced', `group:${g1}`);
    row('rollback.succeeded', `group:${g1}`);
    row('rollback.failed', `group:${g1}`);
    row('rollback.failed', `group:${g3}`);
    await t.audit.flush();
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await slack?.close();
    await pg?.drop();
  });

  it('the figures match the ones computed by hand', async () => {
    const report = await buildReportFor(
      createSqlReportSource(t.db, t.alerts),
      new Date(now - 7 * DAY),
      new Date(),
    );
    expect(report.totals).toEqual({ groups: 4, alerts: 7 });
    expect(report.byPriority).toEqual([
      { priority: 'P1', groups: 2, alerts: 3 },
      { priority: 'P2', groups: 1, alerts: 3 },
      { priority: 'P3', groups: 1, alerts: 1 },
      { priority: 'P4', groups: 0, alerts: 0 },
    ]);
    expect(report.byService).toEqual([
      { service: 'payments', groups: 2, alerts: 3 },
      { service: 'db', groups: 1, alerts: 3 },
      { service: '(none)', groups: 1, alerts: 1 },
    ]);
    // acknowledged after 4, 10, 2 minutes; resolved after 30, 60, 5 (nearest rank: median = 2nd of 3, p90 = 3rd)
    expect(report.timeToAcknowledge).toEqual({ count: 3, medianMs: 4 * MIN, p90Ms: 10 * MIN });
    expect(report.timeToResolve).toEqual({ count: 3, medianMs: 30 * MIN, p90Ms: 60 * MIN });
    expect(report.escalations).toEqual({ steps: 3, groups: 2, reminders: 1 });
    expect(report.silences).toBe(2);
    expect(report.rollbacks).toEqual({ succeeded: 1, failed: 2, denied: 0, expired: 0 });
    expect(report.noisiest).toEqual([
      { alertname: 'PaymentsDown', notifications: 5, groups: 2 },
      { alertname: 'DiskFull', notifications: 4, groups: 1 },
      { alertname: 'Heartbeat', notifications: 1, groups: 1 },
    ]);
  });

  it('mogo report prints the same report (json, csv), and refuses a bad format', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (s: string) => void out.push(s), err: (s: string) => void err.push(s) };
    expect(await reportCommand(t.db, ['--since', '7d', '--format', 'json'], io, new Date())).toBe(0);
    const json = JSON.parse(out.join(''));
    expect(json.totals).toEqual({ groups: 4, alerts: 7 });
    expect(json.timeToResolve).toEqual({ count: 3, medianMs: 30 * MIN, p90Ms: 60 * MIN });
    out.length = 0;
    const since = new Date(now - 36 * HOUR).toISOString();
    expect(await reportCommand(t.db, ['--since', since, '--format', 'csv'], io, new Date())).toBe(0);
    expect(out.join('')).toContain('totals,all,groups,2\n'); // g3 and g4 only
    expect(await reportCommand(t.db, ['--format', 'pdf'], io, new Date())).toBe(2);
    expect(err.join('')).toContain('--format must be one of md, csv, json');
  });

  it('/incident report answers at once, then the files reach the requester through the external upload flow', async () => {
    const form = slashCommandBody({
      command: '/incident',
      text: 'report 7d',
      user_id: 'UREPORTER',
      channel_id: 'C1',
    });
    const res = await fetch(`${t.url}/slack/events`, {
      method: 'POST',
      headers: signSlackRequest(SIGNING_SECRET, form),
      body: form,
    });
    expect(res.status).toBe(200);
    expect((await readJson(res)).text).toMatch(/^Preparing your report for /);

    await slack.waitFor(
      () => slack.callsTo('files.completeUploadExternal').filter((c) => c.response?.ok).length === 2,
      15_000,
    );
    expect(slack.callsTo('files.getUploadURLExternal')).toHaveLength(2);
    expect(slack.callsTo('file-upload').map((c) => c.status)).toEqual([200, 200]);
    const files = slack.directFiles;
    expect(files.map((f) => [f.filename.replace(/\d{4}-\d{2}-\d{2}/g, 'D'), f.user])).toEqual([
      ['mogo-report-D-D.md', 'UREPORTER'],
      ['mogo-report-D-D.csv', 'UREPORTER'],
    ]);
    const [md, csv] = files.map((f) => f.content);
    expect(md).toContain(
      '4 alert groups, 7 alerts; 3 escalation steps on 2 groups, 1 reminders; 2 silences.',
    );
    expect(md).toContain('| Time to acknowledge | 3 | 4m | 10m |');
    expect(md).toContain('| PaymentsDown | 5 | 2 |');
    expect(csv).toContain('time_to,acknowledge,median_seconds,240\n');
    expect(csv).toContain('time_to,resolve,p90_seconds,3600\n');
    expect(csv).toContain('rollbacks,failed,count,2\n');
    expect(md).toContain(
      '0 incidents declared: 0 still open at the end of the period, 0 resolved, 0 closed.',
    );
    expect(md).toMatch(/## Incidents declared\n\nNo incidents\./);
    expect(csv).toContain('incidents,all,declared,0\n');
    expect(files[0]!.comment).toMatch(
      /4 alert groups, 7 alerts, median time to acknowledge 4m, 3 escalation steps; 0 incidents declared \(0 still open\)/,
    );
  });

  it('a weekly report is queued once when two replicas tick together, and lands in the channel', async () => {
    const jobs = createSqlReportJobs(t.db);
    const request = (r: ReportRequest) => jobs.enqueue(r, new Date());
    const tick = new Date();
    await Promise.all([
      queueWeeklyReports(request, ['C0WEEKLY1'], tick),
      queueWeeklyReports(request, ['C0WEEKLY1'], new Date(tick.getTime() + 1)),
    ]);
    const { rows } = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM report_jobs WHERE deliver_to = 'C0WEEKLY1'`,
    );
    expect(rows[0]!.n).toBe(1);
    // whichever worker takes it (this call, or the app's own on its next poll) shares it into the channel
    await t.app.oncall.reports.runNow();
    const shared = await slack.waitFor(
      (c) => c.method === 'files.completeUploadExternal' && c.body.channel_id === 'C0WEEKLY1',
      20_000,
    );
    // a channel the fake does not know: Slack's answer, and the job is given up (not retried)
    expect(shared.response?.error).toBe('channel_not_found');
  });

  it('a job whose worker died is taken again when its lease ends, by one worker only', async () => {
    // the requested report's job is marked done just after its upload
    await eventually(async () => {
      const { rows } = await t.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM report_jobs WHERE state IN ('queued', 'running')`,
      );
      return rows[0]!.n === 0;
    }, 10_000);
    const jobs = createSqlReportJobs(t.db);
    const at = new Date(now + DAY); // after anything the app's own worker would take
    const { id } = (await jobs.enqueue(
      { requestedBy: 'U1', deliverTo: 'U1', since: new Date(0), until: at },
      at,
    ))!;
    const first = await jobs.take(60_000, at);
    expect(first).toMatchObject({ id, attempts: 1 });
    expect(await jobs.take(60_000, new Date(at.getTime() + 59_000))).toBeNull();
    const again = await jobs.take(60_000, new Date(at.getTime() + 60_000));
    expect(again).toMatchObject({ id, attempts: 2 });
    await jobs.complete(id, new Date(at.getTime() + 61_000));
    expect(await jobs.take(60_000, new Date(at.getTime() + 10 * DAY))).toBeNull();
  });
});
