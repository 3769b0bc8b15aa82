#!/usr/bin/env node
/**
 * Start-up time and memory in local mode (issue 10): starts the command of package.json's `start` script
 * (`node --liftoff-only dist/cli/main.js serve`; `--plain` drops the node flags) on a fresh data directory, then again on the same directory, and for each start reports the time until /healthz answers
 * 200 and the process's resident memory (VmRSS) one second after that, plus its peak (VmHWM). cpuMs is the
 * serving process's CPU time (user + system) until ready: on a loaded machine it stays close to what the wall
 * time would be on an idle one, since start-up runs on one thread (for `npm start`, npm's own CPU is not in it).
 * With `--npm` it also times `npm start` with dist/ up to date (the prestart check, no rebuild).
 *
 * Usage: npm run build && node bench/startup.js [--runs N] [--npm] [--plain]
 * Prints one JSON line per start and a summary. Needs Linux (/proc). Nothing here asserts a number.
 */
'use strict';
const { spawn } = require('node:child_process');
const { mkdtempSync, readdirSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { freePort, memoryOf } = require('./process-stats');

const ROOT = join(__dirname, '..');
const args = process.argv.slice(2);
const RUNS = Number(args[args.indexOf('--runs') + 1]) || 3;
const WITH_NPM = args.includes('--npm');
const PLAIN = args.includes('--plain');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** CPU seconds (user + system) the process has used: unlike wall time, barely moved by other load on the machine. */
function cpuMsOf(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Math.round(((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS);
}
const CLOCK_TICKS = 100; // USER_HZ on Linux

/** `npm start` runs node as a grandchild (under npm and sh): the serving process is the group's biggest. */
function serverPid(groupId) {
  let best;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const rssPages = Number(fields[21]);
      if (Number(fields[2]) === groupId && (!best || rssPages > best.rssPages)) best = { pid, rssPages };
    } catch {
      // the process ended while we looked
    }
  }
  if (!best) throw new Error(`no process in group ${groupId}`);
  return best.pid;
}

async function start(label, dataDir, command) {
  const port = await freePort();
  const env = { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
  for (const k of ['SLACK_BOT_TOKEN', 'DATABASE_URL', 'REDIS_URL', 'LOG_FORMAT']) delete env[k];
  const t0 = process.hrtime.bigint();
  // its own process group, so npm's children are stopped with it
  const child = spawn(command[0], command.slice(1), {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((r) => child.once('exit', r));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${label}: exited ${child.exitCode}\n${stderr}`);
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      await sleep(20);
    }
    const readyMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const cpuMs = cpuMsOf(serverPid(child.pid));
    await sleep(1000);
    const mem = memoryOf(serverPid(child.pid));
    const result = { label, readyMs: Math.round(readyMs), cpuMs, ...mem };
    console.log(JSON.stringify(result));
    return result;
  } finally {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    await exited;
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const startScript = require('../package.json').scripts.start.split(' ');
  const node = [process.execPath, ...startScript.slice(1).filter((a) => !(PLAIN && a.startsWith('--')))];
  const rows = { first: [], later: [], npm: [] };
  for (let i = 0; i < RUNS; i++) {
    const dataDir = mkdtempSync(join(tmpdir(), 'mogo-startup-'));
    try {
      rows.first.push(await start('first start (fresh data dir)', dataDir, node));
      rows.later.push(await start('later start (existing data dir)', dataDir, node));
      if (WITH_NPM) rows.npm.push(await start('npm start (dist up to date)', dataDir, ['npm', 'start']));
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  const summary = {};
  for (const [k, v] of Object.entries(rows)) {
    if (v.length === 0) continue;
    summary[k] = {
      readyMs: median(v.map((r) => r.readyMs)),
      cpuMs: median(v.map((r) => r.cpuMs)),
      rssMB: median(v.map((r) => r.rssMB)),
      peakMB: median(v.map((r) => r.peakMB)),
    };
  }
  console.log(
    JSON.stringify({ node: process.version, command: node.slice(1).join(' '), runs: RUNS, median: summary }),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
