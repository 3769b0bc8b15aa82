import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type FakeSlack, startFakeSlack } from '../fakes/slack-server';
import { postWebhook, readJson, SIGNING_SECRET, startTestApp, type TestApp } from '../helpers/app-harness';
import { signSlackRequest, slashCommandBody } from '../helpers/slack-sign';

const fixture = () =>
  JSON.parse(readFileSync(join(__dirname, '../fixtures/alertmanager/firing-3-alerts.json'), 'utf8'));

/** The fixture's group as a disk alert on db hosts: instances db-1..3:9100, and db-9:9100 resolved. */
function diskGroup() {
  const body = fixture();
  body.groupKey = '{}:{alertname="DiskFull", cluster="prod"}';
  body.groupLabels = { alertname: 'DiskFull', cluster: 'prod' };
  body.commonLabels = { alertname: 'DiskFull', cluster: 'prod', job: 'node' };
  body.commonAnnotations = {};
  body.alerts = [1, 2, 3, 9].map((n) => ({
    ...body.alerts[0],
    status: n === 9 ? 'resolved' : 'firing',
    endsAt: n === 9 ? '2026-11-23T23:20:00Z' : '0001-01-01T00:00:00Z',
    labels: {
      alertname: 'DiskFull',
      cluster: 'prod',
      instance: `db-${n}:9100`,
      job: 'node',
      severity: 'warning',
    },
    annotations: { summary: `disk full on db-${n}` },
    fingerprint: `d1sk000000000${n}`,
  }));
  return body;
}

describe('/incident list: open groups with a firing alert matching (signed slash commands)', () => {
  let slack: FakeSlack;
  let t: TestApp;
  let answers = 0;

  const list = async (matchers: string) => {
    const id = `r${++answers}`;
    const form = slashCommandBody({
      command: '/incident',
      text: `list ${matchers}`,
      user_id: 'UALICE',
      channel_id: 'C1',
      response_url: slack.responseUrl(id),
    });
    const res = await fetch(`${t.url}/slack/events`, {
      method: 'POST',
      headers: signSlackRequest(SIGNING_SECRET, form),
      body: form,
    });
    let json = await readJson(res);
    if (json.text === 'Working on it…')
      json = (await slack.waitFor((c) => c.method === 'response_url' && c.path === `/respond/${id}`, 15_000))
        .body;
    return `${json.text} ${JSON.stringify(json.blocks)}`;
  };

  beforeAll(async () => {
    slack = await startFakeSlack();
    t = await startTestApp({ slackApiUrl: slack.url });
    // api-1..3:8080 (HighLatency, severity critical, critical, warning) and db-1..3:9100 (DiskFull)
    expect((await postWebhook(t.url, fixture())).status).toBe(200);
    expect((await postWebhook(t.url, diskGroup())).status).toBe(200);
  }, 90_000);
  afterAll(async () => {
    await t?.close();
    await slack?.close();
  });

  it('finds the group whose alerts differ in instance through the one alert that matches', async () => {
    const said = await list('instance="db-3:9100"');
    expect(said).toContain('1 open alert group matching `instance="db-3:9100"`');
    expect(said).toContain('*DiskFull*');
    expect(said).toContain('1 of 3 firing match');
    expect(said).not.toContain('HighLatency');
  });

  it('a regex finds alerts in both groups, anchored as Alertmanager does', async () => {
    const said = await list('instance=~"(api-1|db-2):.*"');
    expect(said).toContain('2 open alert groups');
    expect(said.match(/1 of 3 firing match/g)).toHaveLength(2);
    expect(await list('instance=~"db-2"')).toContain('No open alert groups');
  });

  it('shared labels still match a group as a whole', async () => {
    const said = await list('cluster="prod"');
    expect(said).toContain('2 open alert groups');
    expect(said).not.toContain('firing match');
    expect(said).toContain('3 firing');
  });

  it('all matchers must hold on one alert, and resolved alerts are not searched', async () => {
    // api-3 is the warning one; api-1 and api-2 are critical
    expect(await list('instance="api-3:8080", severity="critical"')).toContain('No open alert groups');
    expect(await list('instance="api-1:8080", severity="critical"')).toContain('1 of 3 firing match');
    expect(await list('severity="critical"')).toContain('2 of 3 firing match');
    expect(await list('instance="db-9:9100"')).toContain('No open alert groups');
  });
});
