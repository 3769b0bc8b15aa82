import { type FakeSlack, startFakeSlack } from '../fakes/slack-server';
import { SIGNING_SECRET, startTestApp, type TestApp, WEBHOOK_TOKEN } from '../helpers/app-harness';
import { requirePostgres, type TestPostgres, testPostgres } from '../helpers/services';
import { signSlackRequest } from '../helpers/slack-sign';
import { int, mulberry32, pick, slackBody, webhookBody } from './generate';

const SEED = Number(process.env.FUZZ_SEED ?? 20261204);
const WEBHOOKS = 1000;
const SLACK = 800;
const PARALLEL = 8;

interface Answer {
  n: number;
  status: number;
  json: any;
  text: string;
}

/** Every generated request must get a 2xx, or a 4xx whose body is a JSON error; never a 5xx or no answer. */
function expectNoServerError(a: Answer, where: string) {
  const ok = a.status >= 200 && a.status < 300;
  const clientError = a.status >= 400 && a.status < 500 && typeof a.json?.error?.code === 'string';
  if (!ok && !clientError)
    throw new Error(`${where} #${a.n} (seed ${SEED}) got ${a.status}: ${a.text.slice(0, 300)}`);
}

async function runAll(count: number, send: (n: number) => Promise<Answer>, check: (a: Answer) => void) {
  let next = 0;
  const worker = async () => {
    while (next < count) check(await send(next++));
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
}

async function answer(n: number, res: Response): Promise<Answer> {
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { n, status: res.status, json, text };
}

/** Issue 9, item 1: generated hostile bodies against the in-process app on real PostgreSQL. */
(requirePostgres() ? describe : describe.skip)('fuzz: webhook and /slack/events (real PostgreSQL)', () => {
  let pg: TestPostgres;
  let slack: FakeSlack;
  let t: TestApp;
  const groupIds = new Set<string>();

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

  it(`${WEBHOOKS} webhook bodies: 2xx or a 4xx JSON error, and no partial rows`, async () => {
    const rng = mulberry32(SEED);
    const statuses = new Map<number, number>();
    await runAll(
      WEBHOOKS,
      async (n) => {
        const body = webhookBody(rng, n);
        const res = await fetch(`${t.url}/webhooks/alertmanager`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${WEBHOOK_TOKEN}` },
          body,
        });
        return answer(n, res);
      },
      (a) => {
        expectNoServerError(a, 'webhook');
        statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
        if (a.status === 200 && a.json.groupId) groupIds.add(a.json.groupId);
      },
    );
    // the generator must exercise both sides, or the test proves little
    expect(statuses.get(200)).toBeGreaterThan(WEBHOOKS / 5);
    expect(statuses.get(400)).toBeGreaterThan(WEBHOOKS / 5);
    expect(statuses.get(413)).toBeGreaterThan(0);

    await t.audit.flush();
    const { rows: groups } = await t.db.query<{ id: string }>('SELECT id FROM alert_groups');
    expect(new Set(groups.map((g) => g.id))).toEqual(groupIds);
    const { rows: unaudited } = await t.db.query<{ id: string }>(
      `SELECT g.id FROM alert_groups g WHERE NOT EXISTS (
         SELECT 1 FROM audit_log a WHERE a.action = 'alert.received' AND a.subject = 'group:' || g.id)`,
    );
    expect(unaudited).toEqual([]);
  }, 120_000);

  it(`${SLACK} Slack requests, signed or not: every one answered with a 2xx or a 4xx JSON error`, async () => {
    const rng = mulberry32(SEED + 1);
    const ids = [...groupIds];
    const statuses = new Map<number, number>();
    const now = Math.floor(Date.now() / 1000);
    await runAll(
      SLACK,
      async (n) => {
        const { body, contentType } = slackBody(rng, ids);
        const r = rng();
        const secret = r < 0.1 ? 'wrong-secret' : SIGNING_SECRET;
        const ts = r < 0.15 ? now - 3600 : r < 0.2 ? now + 3600 : now;
        const headers: Record<string, string> = {
          ...signSlackRequest(secret, body, ts),
          'content-type': contentType,
        };
        if (r > 0.97) delete headers[pick(rng, ['x-slack-signature', 'x-slack-request-timestamp'])];
        if (int(rng, 50) === 0) headers['x-slack-request-timestamp'] = 'soon';
        const res = await fetch(`${t.url}/slack/events`, { method: 'POST', headers, body });
        return answer(n, res);
      },
      (a) => {
        expectNoServerError(a, 'slack');
        statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
      },
    );
    expect(statuses.get(200)).toBeGreaterThan(SLACK / 3);
    expect(statuses.get(401)).toBeGreaterThan(0);
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  }, 120_000);
});
