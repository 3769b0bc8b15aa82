import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type FakeSlack, startFakeSlack } from '../fakes/slack-server';
import { postWebhook, startTestApp, type TestApp } from '../helpers/app-harness';
import { requirePostgres, type TestPostgres, testPostgres } from '../helpers/services';

const ZWJ = '\u200D';

/** Every mrkdwn text object in a Block Kit message. */
function mrkdwnTexts(node: unknown, out: { text: string; verbatim?: boolean }[] = []) {
  if (Array.isArray(node)) for (const n of node) mrkdwnTexts(n, out);
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (o.type === 'mrkdwn' && typeof o.text === 'string')
      out.push({ text: o.text, verbatim: o.verbatim as boolean });
    else for (const v of Object.values(o)) mrkdwnTexts(v, out);
  }
  return out;
}

/** Issue 9, item 2: text from alerts is shown as text, on the message mogo really posts. */
(requirePostgres() ? describe : describe.skip)(
  'alert text is shown as text (real PostgreSQL, fake Slack)',
  () => {
    let pg: TestPostgres;
    let slack: FakeSlack;
    let t: TestApp;
    beforeAll(async () => {
      pg = testPostgres();
      slack = await startFakeSlack();
      t = await startTestApp({ db: await pg.open(), slackApiUrl: slack.url });
    });
    afterAll(async () => {
      await t.close();
      await slack.close();
      await pg.drop();
    });

    it('names, annotations and label values never become formatting, mentions or links', async () => {
      const body = JSON.parse(
        readFileSync(join(__dirname, '../fixtures/alertmanager/firing-3-alerts.json'), 'utf8'),
      );
      body.groupKey = '{}:{alertname="Inj"}';
      for (const a of body.alerts) {
        a.labels.alertname = 'Inj*<!channel>*';
        a.annotations.summary = '*bold* _it_ ~x~ <https://evil.example|click> https://bare.example';
        a.annotations.runbook_url = 'javascript:alert(1)';
        a.generatorURL = 'https://prometheus.example/graph';
      }
      body.alerts[0].annotations.description = '`code` <@U0BOSS> @here';
      body.alerts[1].labels.instance = '*x*<!here>';
      body.commonLabels.alertname = 'Inj*<!channel>*';
      body.groupLabels.alertname = 'Inj*<!channel>*';
      body.commonAnnotations = {};
      expect((await postWebhook(t.url, body)).status).toBe(200);
      const posted = await slack.waitFor((c) => c.method === 'chat.postMessage', 10_000);
      const blocks = posted.body.blocks as unknown[];
      const texts = mrkdwnTexts(blocks);
      const all = texts.map((x) => x.text).join('\n');

      expect(texts.length).toBeGreaterThan(0);
      expect(texts.every((x) => x.verbatim === true)).toBe(true);
      for (const raw of ['<!channel>', '<@U0BOSS>', '<https://evil', '*bold*', '_it_', '~x~', '`code`'])
        expect(all).not.toContain(raw);
      expect(all).toContain(`Inj${ZWJ}*${ZWJ}&lt;!channel&gt;${ZWJ}*${ZWJ}`);
      expect(all).toContain('`instance=*x*&lt;!here&gt;`'); // inside code nothing formats; no mention either
      // the documented link fields: http(s) becomes a link, anything else plain text
      expect(all).toContain('<https://prometheus.example/graph|Source>');
      expect(all).toContain('Runbook: javascript:alert(1)');
      expect(all).not.toContain('<javascript:');
      // the notification text is mrkdwn too
      expect(posted.body.text).not.toContain('<!channel>');
      expect(posted.body.text).not.toContain('*bold*');
    });
  },
);
