import { type FakeSlack, startFakeSlack } from '../fakes/slack-server';
import { postWebhook, readJson, startTestApp, type TestApp } from '../helpers/app-harness';
import { sleep } from '../helpers/services';

/** An `info` alert: +10 with the shipped rules -> P4, which does not notify (digest only). */
const infoNotification = {
  receiver: 'mogo',
  status: 'firing',
  alerts: [
    {
      status: 'firing',
      labels: { alertname: 'DiskSpaceLow', instance: 'db-1:9100', severity: 'info' },
      annotations: { summary: 'disk 80% full on db-1' },
      startsAt: '2026-11-24T08:00:00Z',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus.example.test:9090/graph',
      fingerprint: 'aa11bb22cc33dd44',
    },
  ],
  groupLabels: { alertname: 'DiskSpaceLow' },
  commonLabels: { alertname: 'DiskSpaceLow', instance: 'db-1:9100', severity: 'info' },
  commonAnnotations: { summary: 'disk 80% full on db-1' },
  externalURL: 'http://alertmanager.example.test:9093',
  version: '4',
  groupKey: '{}:{alertname="DiskSpaceLow"}',
  truncatedAlerts: 0,
};

describe('Digest of digest-only (P4) groups (HTTP mode, fake Slack)', () => {
  let slack: FakeSlack;
  let t: TestApp;

  beforeAll(async () => {
    slack = await startFakeSlack();
    t = await startTestApp({ slackApiUrl: slack.url });
  });
  afterAll(async () => {
    await t.close();
    await slack.close();
  });

  it('records a P4 alert without posting it, then lists it once in the channel digest', async () => {
    const res = await postWebhook(t.url, infoNotification);
    expect(res.status).toBe(200);
    const { groupId } = await readJson(res);
    const group = await t.alerts.getGroup(groupId);
    expect(group?.routing).toMatchObject({ priority: 'P4', notify: false, channel: '#alerts' });
    await sleep(300); // give the render worker its chance to (wrongly) post
    expect(slack.callsTo('chat.postMessage')).toHaveLength(0);

    const first = await t.app.digest.runNow(new Date(Date.now() + 1000));

    expect(first).toEqual({ posted: ['#alerts'], failed: [], skipped: [] });
    const posts = slack.callsTo('chat.postMessage');
    expect(posts).toHaveLength(1);
    expect(posts[0]!.body.channel).toBe('#alerts');
    expect(posts[0]!.body.text).toContain('Digest: 1 alert group changed');
    expect(JSON.stringify(posts[0]!.body.blocks)).toContain('DiskSpaceLow');
    await t.audit.flush();
    expect(await t.audit.list({ action: 'digest.posted' })).toEqual([
      expect.objectContaining({
        actor: 'mogo',
        subject: 'channel:#alerts',
        details: expect.objectContaining({ groupIds: [groupId], count: 1 }),
      }),
    ]);

    const second = await t.app.digest.runNow(new Date(Date.now() + 2000));

    expect(second).toEqual({ posted: [], failed: [], skipped: [] });
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
  });
});
