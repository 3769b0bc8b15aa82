#!/usr/bin/env node
/**
 * Routing throughput: 10,000 alerts against 200 generated rules, in alerts routed per second.
 *
 * Baseline (run in the same process, on the same alerts and rules): a naive router written here that parses
 * every matcher string and compiles every regex again for every alert, i.e. routing without mogo's "compile
 * once per reload". Both compute the same scores and channels (checked). `ratio` = mogo / baseline.
 * A third run adds the newer weighting features (label weights, windows, multipliers, boosts, maintenance)
 * to show what they cost; its `ratio` is against mogo on the basic rules.
 *
 * Prints one JSON line per run and a summary line. Run with `npm run bench` (builds dist/ first).
 * Numbers depend on the machine; nothing here asserts a speed.
 */
'use strict';
const { compileRules, routeAlert } = require('../dist/rules');

const RULES = 200;
const ALERTS = 10_000;
const RUNS = 7;
const AT = new Date('2026-03-27T10:00:00Z');

function basicRule(i) {
  const match = [
    [`service="svc-${i}"`],
    [`service=~"svc-${i}[0-9]*"`, 'severity!="info"'],
    [`team=~"team-(${i % 10}|x)"`, 'env!~"dev.*"'],
    [`alertname="Alert${i}"`, 'severity="critical"'],
  ][i % 4];
  return { name: `r${i}`, match, weight: (i % 7) * 5 - 10, channel: i % 9 === 0 ? `#ch-${i}` : undefined };
}

function yamlRule(r, extra = '') {
  const match = `[${r.match.map((m) => `'${m}'`).join(', ')}]`;
  const channel = r.channel ? `    channel: "${r.channel}"\n` : '';
  return `  - name: ${r.name}\n    match: ${match}\n    weight: ${r.weight}\n${channel}${extra}`;
}

function ruleSet(files) {
  const result = compileRules(files.map((content, i) => ({ path: `bench-${i}.yml`, content })));
  if (!result.ok) throw new Error(JSON.stringify(result.problems, null, 2));
  return result.ruleSet;
}

const basic = Array.from({ length: RULES }, (_, i) => basicRule(i));
const basicSet = ruleSet([`version: 1\nrules:\n${basic.map((r) => yamlRule(r)).join('')}`]);

const featureSet = ruleSet([
  `version: 1
defaults:
  label_weights: {severity: {critical: 50, warning: 20}, env: {prod: 10}}
windows:
  - {name: office, days: [mon-fri], from: "09:00", to: "18:00", time_zone: Europe/Berlin}
maintenance:
${Array.from({ length: 5 }, (_, i) => `  - {name: m${i}, match: ['service="svc-${i * 7}"'], start: "2026-03-27T00:00:00Z", end: "2026-03-28T00:00:00Z", action: downgrade}\n`).join('')}
rules:
${basic
  .map((r, i) => {
    const extra = [
      i % 10 === 1 ? '    multiply: 1.5\n' : '',
      i % 10 === 2 ? '    when: {inside: office}\n' : '',
      i % 10 === 3 ? '    boost: {firing_for: 30m, weight: 20}\n' : '',
    ].join('');
    return yamlRule(r, extra);
  })
  .join('')}`,
]);

const SEVERITIES = ['critical', 'warning', 'info'];
const ENVS = ['prod', 'dev', 'staging'];
const alerts = Array.from({ length: ALERTS }, (_, k) => ({
  labels: {
    alertname: `Alert${k % 250}`,
    service: `svc-${k % 300}`,
    severity: SEVERITIES[k % 3],
    team: `team-${k % 12}`,
    env: ENVS[(k >> 2) % 3],
    instance: `host-${k}:9100`,
  },
  annotations: { summary: `alert ${k}` },
  startsAt: '2026-03-27T09:00:00Z',
}));

/** The baseline: Alertmanager-style matchers parsed and compiled for every alert, no reuse. */
function naiveRoute(rules, alert) {
  let score = 0;
  let channel;
  for (const rule of rules) {
    let all = true;
    for (const text of rule.match) {
      const m = /^([a-zA-Z_][a-zA-Z0-9_]*)(=~|!~|!=|=)"(.*)"$/.exec(text);
      const value = alert.labels[m[1]] ?? '';
      const op = m[2];
      const ok =
        op === '=' || op === '!='
          ? (value === m[3]) === (op === '=')
          : new RegExp(`^(?:${m[3]})$`, 'u').test(value) === (op === '=~');
      if (!ok) {
        all = false;
        break;
      }
    }
    if (!all) continue;
    score += rule.weight;
    channel ??= rule.channel;
  }
  return { score, channel: channel ?? '#alerts' };
}

function measure(name, route) {
  const times = [];
  let checksum = '';
  for (let run = 0; run < RUNS; run++) {
    let sum = 0;
    const channels = new Map();
    const start = process.hrtime.bigint();
    for (let i = 0; i < alerts.length; i++) {
      const r = route(alerts[i]);
      sum += r.score;
      channels.set(r.channel, (channels.get(r.channel) ?? 0) + 1);
    }
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    checksum = `${sum}/${[...channels].sort().join(';')}`;
  }
  times.sort((a, b) => a - b);
  const ms = times[Math.floor(times.length / 2)];
  return { name, ms, alertsPerSec: Math.round((ALERTS / ms) * 1000), checksum };
}

const mogo = measure('mogo', (a) => routeAlert(basicSet, a, AT));
const naive = measure('naive-baseline', (a) => naiveRoute(basic, a));
const features = measure('mogo-all-features', (a) => routeAlert(featureSet, a, AT));
if (mogo.checksum !== naive.checksum) {
  throw new Error(`mogo and the baseline disagree: ${mogo.checksum} vs ${naive.checksum}`);
}

const line = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);
const common = { rules: RULES, alerts: ALERTS, runs: RUNS, node: process.version };
line({
  bench: 'route',
  impl: mogo.name,
  ...common,
  median_ms: round(mogo.ms),
  alerts_per_sec: mogo.alertsPerSec,
});
line({
  bench: 'route',
  impl: naive.name,
  ...common,
  median_ms: round(naive.ms),
  alerts_per_sec: naive.alertsPerSec,
});
line({
  bench: 'route',
  impl: features.name,
  ...common,
  median_ms: round(features.ms),
  alerts_per_sec: features.alertsPerSec,
  ratio_vs_mogo_basic: round(features.alertsPerSec / mogo.alertsPerSec),
});
line({
  bench: 'route',
  summary: true,
  ratio: round(mogo.alertsPerSec / naive.alertsPerSec),
  ratio_is: 'mogo alerts/s ÷ baseline alerts/s (baseline: matchers parsed and regexes compiled per alert)',
});

function round(n) {
  return Math.round(n * 100) / 100;
}
