#!/usr/bin/env node
// How long /healthz waits while mogo takes one 10,000-alert notification (issue 8: the event loop never
// stalls, /healthz within 50 ms). Starts dist/ with the Node flags `npm start` uses (the Dockerfile's too), in
// local mode on a fresh embedded database or on STALL_DATABASE_URL, posts the notification `--runs` times (each a
// changed state), while a separate probe process asks /healthz every 5 ms.
const { fork } = require('node:child_process');
const path = require('node:path');
const { startBot, postNotification } = require('./bot');

const ALERTS = Number(process.argv.find((a) => a.startsWith('--alerts='))?.split('=')[1] ?? 10_000);
const RUNS = Number(process.argv.find((a) => a.startsWith('--runs='))?.split('=')[1] ?? 3);

function notification(run) {
  const labels = { alertname: 'Huge', service: 'api' };
  return {
    version: '4',
    groupKey: '{}:{alertname="Huge"}',
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'mogo',
    groupLabels: { alertname: 'Huge' },
    commonLabels: labels,
    commonAnnotations: { summary: 'big group' },
    externalURL: 'http://alertmanager:9093',
    alerts: Array.from({ length: ALERTS }, (_, i) => ({
      status: i < run * 100 ? 'resolved' : 'firing',
      labels: { ...labels, instance: `host-${i}:9100`, pod: `api-${i % 97}` },
      annotations: { description: `instance ${i} is slow` },
      startsAt: '2026-12-04T10:00:00Z',
      endsAt: i < run * 100 ? '2026-12-04T10:30:00Z' : '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus:9090/graph?g0.expr=up',
      fingerprint: i.toString(16).padStart(16, '0'),
    })),
  };
}

function probeWorst(probe, work) {
  probe.send('start');
  return work().then(
    (value) =>
      new Promise((resolve) => {
        probe.once('message', (m) => resolve({ value, worstMs: Math.round(m.worstMs) }));
        probe.send('stop');
      }),
  );
}

async function main() {
  const { url, stop, flags } = await startBot({
    extraFlags: process.env.STALL_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.STALL_PROF}`] : [],
  });
  try {
    const probe = fork(path.join(__dirname, 'healthz-probe.js'), [url]);
    const rows = [];
    // the baseline: the same probes for as long, with no notification in flight (the machine's own noise)
    const idle = await probeWorst(probe, () => new Promise((r) => setTimeout(r, 2000)));
    rows.push({ run: 'idle baseline', worstHealthzMs: idle.worstMs });
    for (let run = 0; run < RUNS; run++) {
      const body = JSON.stringify(notification(run));
      const { value, worstMs } = await probeWorst(probe, async () => {
        const r = await postNotification(url, body);
        return { status: r.status, took: r.ms };
      });
      rows.push({
        run,
        status: value.status,
        bytes: body.length,
        webhookMs: Math.round(value.took),
        worstHealthzMs: worstMs,
      });
      // let the render worker's read-back of the group finish before the next one (it is part of the cost)
      const after = await probeWorst(probe, () => new Promise((r) => setTimeout(r, 1500)));
      rows.push({ run: `${run} (1.5 s after)`, worstHealthzMs: after.worstMs });
    }
    probe.send('exit');
    console.log(JSON.stringify({ alerts: ALERTS, flags, rows }, null, 1));
  } finally {
    await stop();
  }
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
