#!/usr/bin/env node
// Issue 8, point 6: a group that has seen 100,000 alerts over its life is handled as fast as a new one. One bot
// (npm start's flags; embedded database, or BENCH_DATABASE_URL): group "old" first takes 100 notifications, each
// firing 1,000 new alerts and resolving the 1,000 before (100,000 alerts in its life); group "young" takes two.
// Then both take the same kind of notification (1,000 new firing, 1,000 resolved) in turn, and the answer times
// are compared: old / young should stay near 1, whatever the life length.
const { startBot, postNotification } = require('./bot');

const arg = (name, dflt) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt);
const LIFE = arg('life', 100_000);
const BATCH = arg('batch', 1_000);
const MEASURED = arg('measured', 10);
// a pause between the old group's notifications: on PostgreSQL, autovacuum (once a minute) keeps up with a real
// group's pace, not with 100 notifications in 10 s
const PACE_MS = arg('pace-ms', 0);
// PostgreSQL only: VACUUM the bot's tables every this many notifications, standing in for autovacuum where the
// server runs without it (this machine's test server does: `SHOW autovacuum` is off)
const VACUUM_EVERY = arg('vacuum-every', 0);

function notification(group, batch) {
  const labels = { alertname: `Lifetime-${group}`, service: 'api' };
  const alert = (b, i, status) => ({
    status,
    labels: { ...labels, instance: `host-${b}-${i}:9100` },
    annotations: { description: `batch ${b} instance ${i}` },
    startsAt: '2026-12-05T10:00:00Z',
    endsAt: status === 'resolved' ? '2026-12-05T10:30:00Z' : '0001-01-01T00:00:00Z',
    generatorURL: 'http://prometheus:9090/graph?g0.expr=up',
    fingerprint: `${group}-${b}-${i}`,
  });
  const alerts = [];
  for (let i = 0; i < BATCH; i++) alerts.push(alert(batch, i, 'firing'));
  if (batch > 0) for (let i = 0; i < BATCH; i++) alerts.push(alert(batch - 1, i, 'resolved'));
  return {
    version: '4',
    groupKey: `{}:{alertname="Lifetime-${group}"}`,
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'mogo',
    groupLabels: { alertname: labels.alertname },
    commonLabels: labels,
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    alerts,
  };
}

async function vacuumer() {
  if (!(VACUUM_EVERY > 0 && process.env.BENCH_DATABASE_URL))
    return { run: async () => {}, end: async () => {} };
  const { Client } = require('pg');
  const client = new Client({ connectionString: process.env.BENCH_DATABASE_URL });
  await client.connect();
  return { run: () => client.query('VACUUM group_alerts, alert_groups, outbox'), end: () => client.end() };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const { url, stop, flags } = await startBot();
  try {
    const batches = Math.ceil(LIFE / BATCH);
    const vacuum = await vacuumer();
    const t0 = performance.now();
    const life = [];
    for (let b = 0; b < batches; b++) {
      const r = await postNotification(url, notification('old', b));
      if (r.status !== 200) throw new Error(`old batch ${b}: ${r.status}`);
      life.push(r.ms);
      if (PACE_MS > 0) await new Promise((resolve) => setTimeout(resolve, PACE_MS));
      if (VACUUM_EVERY > 0 && b % VACUUM_EVERY === VACUUM_EVERY - 1) await vacuum.run();
    }
    // the answer time along the old group's life: the median of each tenth
    const tenth = Math.max(1, Math.floor(batches / 10));
    const lifeCurveMs = [];
    for (let i = 0; i + tenth <= life.length; i += tenth)
      lifeCurveMs.push(Math.round(median(life.slice(i, i + tenth))));
    const lifeSeconds = (performance.now() - t0) / 1000;
    for (let b = 0; b < 2; b++) await postNotification(url, notification('young', b));
    const old = [];
    const young = [];
    for (let m = 0; m < MEASURED; m++) {
      old.push((await postNotification(url, notification('old', batches + m))).ms);
      young.push((await postNotification(url, notification('young', 2 + m))).ms);
    }
    const result = {
      flags,
      database: process.env.BENCH_DATABASE_URL ? 'postgresql' : 'embedded',
      paceMs: PACE_MS,
      vacuumEvery: VACUUM_EVERY,
      batch: BATCH,
      oldLifeAlerts: (batches + MEASURED) * BATCH,
      lifeSeconds: Math.round(lifeSeconds),
      lifeCurveMs,
      oldMedianMs: Math.round(median(old)),
      youngMedianMs: Math.round(median(young)),
      ratio: Number((median(old) / median(young)).toFixed(2)),
      old: old.map(Math.round),
      young: young.map(Math.round),
    };
    console.log(JSON.stringify(result, null, 1));
  } finally {
    await vacuum.end();
    await stop();
  }
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
