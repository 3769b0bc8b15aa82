import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startFakeSlack } from '../test/fakes/slack-server';
import { startAlertmanager } from '../test/helpers/alertmanager';
import type { BotProcess } from '../test/helpers/bot-process';
import { openBenchEnv, WEBHOOK_TOKEN } from './storm-env';
import { createStormObserver } from './storm-observe';
import { groupName, stormAlerts } from './storm-scenario';

/**
 * Three mogo processes on one PostgreSQL schema and one Redis database, as an HA deployment runs them:
 * Alertmanager has two webhook targets (like an HA pair sending the same notification twice), and a small
 * proxy sends target "a" of a group to replica h and target "b" to replica h+1 (h from the groupKey), so
 * every notification reaches two different replicas. Replica 2 is SIGKILLed mid-run and restarted.
 */
export interface ReplicasSpec {
  groups: number;
  perGroup: number;
  killAfterS: number;
  restartAfterS: number;
  watchS: number;
}

export interface ReplicasResult extends ReplicasSpec {
  visible: number;
  allVisibleS: number | null;
  duplicates: number;
  resolved: number;
  allResolvedS: number | null;
  calls: number;
  rateLimited: number;
}

const REPLICAS = 3;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runReplicas(spec: ReplicasSpec, log: (line: string) => void): Promise<ReplicasResult> {
  const closers: Array<() => Promise<unknown>> = [];
  const bots: BotProcess[] = [];
  try {
    const env = await openBenchEnv();
    closers.push(() => env.close());
    const slack = await startFakeSlack();
    closers.push(() => slack.close());
    for (let i = 0; i < REPLICAS; i++) bots.push(await env.startBot(slack.url));
    closers.push(() => Promise.all(bots.map((b) => b.stop())));
    const proxy = await startPairProxy(() => bots.map((b) => b.url));
    closers.push(() => {
      proxy.closeAllConnections();
      return new Promise((r) => proxy.close(r));
    });
    const { port } = proxy.address() as AddressInfo;
    const am = await startAlertmanager({
      webhookUrl: `http://127.0.0.1:${port}/a`,
      extraWebhookUrls: [`http://127.0.0.1:${port}/b`],
      token: WEBHOOK_TOKEN,
      groupWait: '1s',
      groupInterval: '2s',
      groupBy: ['alertname'],
      resolveTimeout: '1h',
    });
    closers.push(() => am.stop());

    const alerts = stormAlerts(spec);
    const groups = new Map(Array.from({ length: spec.groups }, (_, g) => [groupName(g), spec.perGroup]));
    const observer = createStormObserver(slack, groups);
    const pushedAt = Date.now();
    await am.pushAlerts(alerts);
    await sleep(spec.killAfterS * 1000);
    log(`  SIGKILL replica 2 (pid ${bots[1]!.pid})`);
    await bots[1]!.stop('SIGKILL');
    await sleep(spec.restartAfterS * 1000);
    bots[1] = await env.startBot(slack.url);
    log('  replica 2 restarted');
    const deadline = pushedAt + spec.watchS * 1000;
    while (Date.now() < deadline && observer.milestones('mogo').allVisibleAt === null) {
      await sleep(500);
      observer.poll();
    }
    await sleep(5_000); // late duplicates would show here
    observer.poll();
    const firing = observer.counts('mogo');
    log(`  firing watch: ${JSON.stringify(firing)}`);

    observer.markResolving();
    const resolvedAt = Date.now();
    await am.resolveAlerts(alerts);
    while (
      Date.now() < resolvedAt + spec.watchS * 1000 &&
      observer.milestones('mogo').allResolvedAt === null
    ) {
      await sleep(500);
      observer.poll();
    }
    observer.poll();
    const end = observer.counts('mogo');
    const m = observer.milestones('mogo');
    return {
      ...spec,
      visible: firing.visible,
      allVisibleS: m.allVisibleAt === null ? null : (m.allVisibleAt - pushedAt) / 1000,
      duplicates: Math.max(firing.duplicates, end.duplicates),
      resolved: end.resolved,
      allResolvedS: m.allResolvedAt === null ? null : (m.allResolvedAt - resolvedAt) / 1000,
      calls: end.calls,
      rateLimited: end.rateLimited,
    };
  } finally {
    for (const close of closers.reverse()) await close().catch((e: unknown) => log(`cleanup: ${String(e)}`));
  }
}

/** POST /a and /b -> two different replicas chosen by the notification's groupKey; answers what the replica did. */
async function startPairProxy(targets: () => string[]): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const urls = targets();
      const groupKey = /"groupKey":"((?:[^"\\]|\\.)*)"/.exec(raw.toString('utf8'))?.[1] ?? '';
      const h = createHash('sha1').update(groupKey).digest().readUInt32BE(0) % urls.length;
      const url = urls[(h + (req.url === '/b' ? 1 : 0)) % urls.length]!;
      fetch(`${url}/webhooks/alertmanager`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
        },
        body: raw,
        signal: AbortSignal.timeout(10_000),
      })
        .then(async (r) => res.writeHead(r.status).end(await r.text()))
        .catch((e: unknown) => res.writeHead(502).end(String(e)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}
