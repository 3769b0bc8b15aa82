import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeSlack, startFakeSlack } from '../fakes/slack-server';
import { type BotCluster, startBots } from '../helpers/bot-cluster';
import { oneAlertNotification } from '../helpers/notification';
import { eventually, REDIS_URL, requirePostgres, requireRedis } from '../helpers/services';

const TOKEN = 'replicas-webhook-token-0123456789';
const RULES = `version: 1
defaults:
  channel: "#replicas"
rules:
  - name: rep
    match: ['alertname="Rep"']
    weight: 30
`;

const notification = (group: string, status: 'firing' | 'resolved') =>
  oneAlertNotification('Rep', group, status);

/** Where Slack shows group `g` now: its own message, or a line of a roll-up. */
function placesOf(slack: FakeSlack, g: string): { own: number; lines: number; resolved: boolean } {
  let own = 0;
  let lines = 0;
  let resolved = false;
  for (const m of slack.messages) {
    const all = `${m.text ?? ''} ${JSON.stringify(m.blocks ?? [])}`;
    if ((m.text ?? '').startsWith('Alert storm')) {
      const line = all.split('\\n').find((l) => l.includes(`group=${g}\``));
      if (line) {
        lines++;
        resolved = line.includes('white_check_mark');
      }
    } else if ((m.text ?? '').includes(`Rep ${g} (`)) {
      own++;
      resolved = (m.text ?? '').includes('RESOLVED');
    }
  }
  return { own, lines, resolved };
}

const suite = requirePostgres() && requireRedis() ? describe : describe.skip;

suite('three replicas as one bot (processes, HA duplicates, one SIGKILL)', () => {
  let slack: FakeSlack;
  let cluster: BotCluster | undefined;
  let rulesDir: string;

  beforeAll(async () => {
    slack = await startFakeSlack();
    rulesDir = await mkdtemp(join(tmpdir(), 'mogo-replicas-rules-'));
    await writeFile(join(rulesDir, '00-replicas.yml'), RULES);
  });
  afterAll(async () => {
    await cluster?.stop();
    await slack.close();
    await rm(rulesDir, { recursive: true, force: true });
  });

  it('every group is shown exactly once (message or roll-up line) and resolved, though a replica was killed', async () => {
    cluster = await startBots(
      3,
      {
        SLACK_BOT_TOKEN: 'xoxb-replicas',
        SLACK_SIGNING_SECRET: 'replicas-secret',
        SLACK_API_URL: slack.url,
        ALERTMANAGER_TOKEN: TOKEN,
        RULES_DIR: rulesDir,
        LOG_LEVEL: 'warn',
      },
      { redisUrl: `${REDIS_URL}/7` },
    );
    const c = cluster;
    const send = (replica: number, body: string) =>
      fetch(`${c.bots[replica]!.url}/webhooks/alertmanager`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body,
      }).then((r) => r.status);
    const groups = Array.from({ length: 30 }, (_, i) => `r${String(i).padStart(2, '0')}`);

    // each notification twice, to two different replicas, as an HA pair of Alertmanagers does
    const statuses = await Promise.all(
      groups.flatMap((g, i) => [
        send(i % 3, notification(g, 'firing')),
        send((i + 1) % 3, notification(g, 'firing')),
      ]),
    );
    expect(statuses.every((s) => s === 200)).toBe(true);
    await c.kill(1); // mid-work: whatever it leased comes back after the lease
    await c.restart(1);

    await eventually(
      async () => groups.every((g) => placesOf(slack, g).own + placesOf(slack, g).lines === 1),
      60_000,
    );
    for (const g of groups) expect(placesOf(slack, g).own + placesOf(slack, g).lines).toBe(1);

    await Promise.all(groups.map((g, i) => send(i % 3, notification(g, 'resolved'))));
    await eventually(async () => groups.every((g) => placesOf(slack, g).resolved), 60_000);
    for (const g of groups) expect(placesOf(slack, g).own + placesOf(slack, g).lines).toBe(1);
    expect(slack.calls.filter((x) => x.status === 429).length).toBeLessThanOrEqual(
      Math.ceil(slack.calls.length / 100),
    );
  }, 180_000);
});
