import { writeFileSync } from 'node:fs';
import { type FakeSlack, startFakeSlack } from '../test/fakes/slack-server';
import { type AlertInput, type AlertmanagerHandle, startAlertmanager } from '../test/helpers/alertmanager';
import { CHANNEL, openBenchEnv, WEBHOOK_TOKEN } from './storm-env';
import { createStormObserver, type Milestones, type Receiver, type ReceiverCounts } from './storm-observe';

/**
 * One storm, fed by a real Alertmanager to mogo (webhook) and to Alertmanager's own Slack receiver at once:
 * `groups` × `perGroup` alerts pushed in batches every second over `spreadS` seconds (every group starts in
 * the first batches, then grows), the P1 pushed ~5 s in, everything kept firing (endsAt an hour ahead), then
 * everything resolved.
 */
export interface StormSpec {
  name: string;
  groups: number;
  perGroup: number;
  spreadS: number;
  /** How long to watch after the storm before resolving, at most (stops early once both show everything). */
  settleS: number;
  /** How long to watch after the resolve, at most. */
  resolveS: number;
}

export interface ReceiverResult {
  /** P1 push -> first successful Slack call naming it, seconds. */
  p1S: number | null;
  counts: ReceiverCounts;
  /** Seconds after the storm's last push (negative: during the storm); null: never within the watch. */
  allVisibleS: number | null;
  allCompleteS: number | null;
  /** Seconds after the resolve push. */
  allResolvedS: number | null;
  /** Counts when the firing watch ended (before resolving). */
  atSettle: ReceiverCounts;
}

export interface StormResult {
  spec: StormSpec;
  alerts: number;
  settledAfterS: number;
  receivers: Record<Receiver, ReceiverResult>;
}

const P1_AT_MS = 5_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

export function stormAlerts(spec: Pick<StormSpec, 'groups' | 'perGroup'>): AlertInput[] {
  const endsAt = new Date(Date.now() + 3_600_000).toISOString();
  const out: AlertInput[] = [];
  for (let k = 0; k < spec.perGroup; k++) {
    for (let g = 0; g < spec.groups; g++) {
      const name = groupName(g);
      out.push({
        labels: { alertname: name, instance: `host-${k}`, severity: g % 2 === 0 ? 'warning' : 'info' },
        annotations: { summary: `${name} is unhappy` },
        endsAt,
      });
    }
  }
  return out;
}

export const groupName = (g: number): string => `Storm${String(g).padStart(3, '0')}`;

export async function runStorm(spec: StormSpec, log: (line: string) => void): Promise<StormResult> {
  const closers: Array<() => Promise<unknown>> = [];
  try {
    const env = await openBenchEnv();
    closers.push(() => env.close());
    const slack = await startFakeSlack();
    closers.push(() => slack.close());
    const bot = await env.startBot(slack.url);
    closers.push(() => bot.stop());
    const am = await startAlertmanager({
      webhookUrl: `${bot.url}/webhooks/alertmanager`,
      token: WEBHOOK_TOKEN,
      groupWait: '1s',
      groupInterval: '2s',
      groupBy: ['alertname'],
      resolveTimeout: '1h',
      slack: { apiUrl: slack.webhookUrl(), channel: CHANNEL },
    });
    closers.push(() => am.stop());
    const result = await drive(spec, slack, am, log);
    // BENCH_DUMP=file: the fake's final messages and call log, to check what the figures were read from
    if (process.env.BENCH_DUMP) {
      writeFileSync(process.env.BENCH_DUMP, JSON.stringify({ messages: slack.messages, calls: slack.calls }));
    }
    return result;
  } finally {
    for (const close of closers.reverse()) await close().catch((e: unknown) => log(`cleanup: ${String(e)}`));
  }
}

async function drive(
  spec: StormSpec,
  slack: FakeSlack,
  am: AlertmanagerHandle,
  log: (line: string) => void,
): Promise<StormResult> {
  const alerts = stormAlerts(spec);
  const groups = new Map(Array.from({ length: spec.groups }, (_, g) => [groupName(g), spec.perGroup]));
  const observer = createStormObserver(slack, groups);
  const p1: AlertInput = {
    labels: { alertname: 'P1Outage', instance: 'checkout', severity: 'critical' },
    annotations: { summary: 'Checkout is down' },
    endsAt: new Date(Date.now() + 3_600_000).toISOString(),
  };
  const batches = Math.max(1, spec.spreadS);
  const perBatch = Math.ceil(alerts.length / batches);
  const start = Date.now();
  let p1PushedAt = 0;
  for (let b = 0; b < batches; b++) {
    const due = start + b * 1000;
    if (p1PushedAt === 0 && due - start >= P1_AT_MS) {
      await sleep(start + P1_AT_MS - Date.now());
      p1PushedAt = Date.now();
      await am.pushAlerts([p1]);
    }
    await sleep(due - Date.now());
    await am.pushAlerts(alerts.slice(b * perBatch, (b + 1) * perBatch));
    observer.poll();
    if (b % 10 === 0) log(`  pushed ${Math.min((b + 1) * perBatch, alerts.length)} of ${alerts.length}`);
  }
  if (p1PushedAt === 0) {
    p1PushedAt = Date.now();
    await am.pushAlerts([p1]);
  }
  const stormEnd = Date.now();

  const settleDeadline = stormEnd + spec.settleS * 1000;
  while (Date.now() < settleDeadline) {
    await sleep(500);
    observer.poll();
    const done = (['mogo', 'alertmanager'] as const).every(
      (r) => observer.milestones(r).allCompleteAt !== null && observer.milestones(r).p1At !== null,
    );
    if (done) break;
  }
  const settledAfterS = (Date.now() - stormEnd) / 1000;
  const atSettle = { mogo: observer.counts('mogo'), alertmanager: observer.counts('alertmanager') };
  log(`  settled after ${settledAfterS.toFixed(0)} s: ${JSON.stringify(atSettle)}`);

  observer.markResolving();
  const resolvedAt = Date.now();
  for (let i = 0; i < alerts.length; i += 2000) await am.resolveAlerts(alerts.slice(i, i + 2000));
  await am.resolveAlerts([p1]);
  const resolveDeadline = resolvedAt + spec.resolveS * 1000;
  while (Date.now() < resolveDeadline) {
    await sleep(500);
    observer.poll();
    if ((['mogo', 'alertmanager'] as const).every((r) => observer.milestones(r).allResolvedAt !== null))
      break;
  }
  observer.poll();

  const result = (r: Receiver): ReceiverResult => {
    const m: Milestones = observer.milestones(r);
    const since = (t: number | null, from: number) => (t === null ? null : (t - from) / 1000);
    return {
      p1S: since(m.p1At, p1PushedAt),
      counts: observer.counts(r),
      allVisibleS: since(m.allVisibleAt, stormEnd),
      allCompleteS: since(m.allCompleteAt, stormEnd),
      allResolvedS: since(m.allResolvedAt, resolvedAt),
      atSettle: atSettle[r],
    };
  };
  return {
    spec,
    alerts: alerts.length,
    settledAfterS,
    receivers: { mogo: result('mogo'), alertmanager: result('alertmanager') },
  };
}
