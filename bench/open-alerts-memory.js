#!/usr/bin/env node
/**
 * Memory with PostgreSQL and Redis and many open alerts (issue 10: "RSS at most 150 MB with 10,000 open
 * alerts"). Starts the built bot as `npm start` runs it, with DATABASE_URL on a fresh schema and REDIS_URL,
 * pushes `--alerts` firing alerts as `--groups` notifications (one group each), waits until the outbox is
 * drained (every group rendered, in local mode: no Slack), then reads the serving process's VmRSS and VmHWM
 * at idle, after a second pass of the same notifications (every alert already known), and again 5 s later.
 *
 * Usage: npm run build && node bench/open-alerts-memory.js [--alerts 10000] [--groups 20]
 *   BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test), BENCH_REDIS_URL (redis://127.0.0.1:6379/9)
 * Prints JSON lines. Nothing here asserts a number.
 */
'use strict';
const { spawn } = require('node:child_process');
const { join } = require('node:path');
const { freePort, memoryOf } = require('./process-stats');
const { Client } = require('pg');

const ROOT = join(__dirname, '..');
const args = process.argv.slice(2);
const arg = (name, dflt) => Number(args[args.indexOf(`--${name}`) + 1]) || dflt;
const ALERTS = arg('alerts', 10_000);
const GROUPS = arg('groups', 20);
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/9';
const TOKEN = 'bench-open-alerts-token-0123456789';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function notification(g, perGroup) {
  const group = `g${String(g).padStart(3, '0')}`;
  const labels = { alertname: 'Many', group };
  return JSON.stringify({
    version: '4',
    groupKey: `{}:{alertname="Many", group="${group}"}`,
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'mogo',
    groupLabels: labels,
    commonLabels: labels,
    commonAnnotations: { summary: `many alerts in ${group}` },
    externalURL: 'http://alertmanager:9093',
    alerts: Array.from({ length: perGroup }, (_, i) => ({
      status: 'firing',
      labels: { ...labels, instance: `host-${g}-${i}:9100`, pod: `api-${i % 97}` },
      annotations: { description: `instance ${i} of ${group} is slow` },
      startsAt: '2026-12-04T10:00:00Z',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus:9090/graph?g0.expr=up',
      fingerprint: (g * 1_000_000 + i).toString(16).padStart(16, '0'),
    })),
  });
}

async function admin(sql) {
  const c = new Client({ connectionString: DATABASE_URL });
  await c.connect();
  try {
    return await c.query(sql);
  } finally {
    await c.end();
  }
}

async function main() {
  const schema = `mogo_bench_${process.pid}_${Date.now().toString(36)}`;
  await admin(`create schema ${schema}`);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const startArgs = require('../package.json').scripts.start.split(' ').slice(1);
  const bot = spawn(process.execPath, startArgs, {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      SLACK_BOT_TOKEN: '',
      ALERTMANAGER_TOKEN: TOKEN,
      WEBHOOK_BODY_LIMIT: String(64 * 1024 * 1024),
      DATABASE_URL: `${DATABASE_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`,
      REDIS_URL,
      REDIS_KEY_PREFIX: `${schema}:`,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise((r) => bot.once('exit', r));
  const report = (label, extra = {}) => {
    const line = { label, alerts: ALERTS, groups: GROUPS, ...memoryOf(bot.pid), ...extra };
    console.log(JSON.stringify(line));
  };
  try {
    for (;;) {
      if (bot.exitCode !== null) throw new Error(`bot exited ${bot.exitCode}`);
      if (
        await fetch(`${url}/readyz`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      await sleep(50);
    }
    await sleep(1000);
    report('idle, no alerts');
    const perGroup = Math.ceil(ALERTS / GROUPS);
    const post = async () => {
      const t0 = Date.now();
      for (let g = 0; g < GROUPS; g++) {
        const res = await fetch(`${url}/webhooks/alertmanager`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
          body: notification(g, perGroup),
        });
        if (res.status !== 200) throw new Error(`webhook answered ${res.status}: ${await res.text()}`);
      }
      return Date.now() - t0;
    };
    const drained = async () => {
      for (;;) {
        const { rows } = await admin(`select count(*)::int as n from ${schema}.outbox`).catch(() => ({
          rows: [{ n: -1 }],
        }));
        if (rows[0].n === 0) return;
        await sleep(200);
      }
    };
    const firstMs = await post();
    await drained();
    await sleep(1000);
    report(`${ALERTS} open alerts, first time`, { postMs: firstMs });
    const againMs = await post();
    await drained();
    await sleep(1000);
    report(`${ALERTS} open alerts, the same notifications again`, { postMs: againMs });
    await sleep(5000);
    report(`${ALERTS} open alerts, 5 s later`);
  } finally {
    bot.kill('SIGTERM');
    await exited;
    await admin(`drop schema if exists ${schema} cascade`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
