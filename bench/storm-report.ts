import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ReplicasResult } from './storm-replicas';
import type { ReceiverResult, StormResult } from './storm-scenario';

/**
 * bench/RESULTS.md's "## Alert storm (issue 8)" section, rebuilt from bench/storm-results.json (the latest
 * run of each scenario and mode), so running one scenario keeps the others' figures. Other sections stay.
 */
const RESULTS_MD = path.join(__dirname, 'RESULTS.md');
const RESULTS_JSON = path.join(__dirname, 'storm-results.json');
const HEADING = '## Alert storm (issue 8)';

export type Stored =
  | { kind: 'storm'; key: string; at: string; machine: string; commit: string; result: StormResult }
  | { kind: 'replicas'; key: string; at: string; machine: string; commit: string; result: ReplicasResult };

export function machineNote(): string {
  const cpus = os.cpus();
  const load = os.loadavg()[0]!.toFixed(1);
  return `${cpus.length} × ${cpus[0]?.model.trim() ?? 'CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, load ${load}`;
}

export function store(entry: Stored): void {
  let all: Stored[] = [];
  try {
    all = JSON.parse(readFileSync(RESULTS_JSON, 'utf8')) as Stored[];
  } catch {
    all = [];
  }
  all = [...all.filter((e) => e.key !== entry.key), entry].sort((a, b) => a.key.localeCompare(b.key));
  writeFileSync(RESULTS_JSON, `${JSON.stringify(all, null, 2)}\n`);
  writeSection(all);
}

function writeSection(all: Stored[]): void {
  let md = '';
  try {
    md = readFileSync(RESULTS_MD, 'utf8');
  } catch {
    md = '# Benchmark results\n';
  }
  const section = render(all);
  const start = md.indexOf(HEADING);
  if (start === -1) {
    md = `${md.trimEnd()}\n\n${section}`;
  } else {
    const next = md.indexOf('\n## ', start + HEADING.length);
    md = `${md.slice(0, start)}${section}${next === -1 ? '' : md.slice(next + 1)}`;
  }
  writeFileSync(RESULTS_MD, md.endsWith('\n') ? md : `${md}\n`);
}

const s = (v: number | null, digits = 1) => (v === null ? 'never' : `${v.toFixed(digits)} s`);
const after = (v: number | null) =>
  v === null ? 'never' : v <= 0 ? 'during the storm' : `${v.toFixed(1)} s`;
const share = (part: number, total: number) => (total === 0 ? '0%' : `${((100 * part) / total).toFixed(1)}%`);

function stormTable(e: Extract<Stored, { kind: 'storm' }>): string {
  const { spec, alerts, receivers } = e.result;
  const g = spec.groups;
  const row = (what: string, f: (r: ReceiverResult) => string, target: string) => [
    what,
    f(receivers.alertmanager),
    f(receivers.mogo),
    target,
  ];
  return [
    `### ${spec.name}: ${g} groups × ${spec.perGroup} alerts over ${spec.spreadS} s (${e.key.endsWith(':quick') ? 'quick' : 'full'})`,
    '',
    `${e.at} · ${e.machine} · commit ${e.commit} · watched up to ${spec.settleS} s after the storm (settled after ${e.result.settledAfterS.toFixed(0)} s), then resolved`,
    '',
    table([
      ['measure', 'Alertmanager slack_config', 'mogo', 'mogo target (issue 8, set for 200 × 50)'],
      row('P1 time to Slack', (r) => s(r.p1S), '≤ 1.5 s'),
      row(
        'Slack calls (share answered 429)',
        (r) => `${r.counts.calls} (${share(r.counts.rateLimited, r.counts.calls)})`,
        '≤ 1%',
      ),
      row('Slack calls per 1,000 alerts', (r) => ((1000 * r.counts.calls) / alerts).toFixed(0), '≤ 30'),
      row('every group visible, after the storm', (r) => after(r.allVisibleS), '≤ 10 s'),
      row('groups visible when the watch ended', (r) => `${r.atSettle.visible} of ${g}`, `${g} of ${g}`),
      row('every group showing all its alerts, after the storm', (r) => after(r.allCompleteS), '≤ 60 s'),
      row(
        'groups showing all their alerts when the watch ended',
        (r) => `${r.atSettle.complete} of ${g}`,
        '',
      ),
      row('every group shown resolved, after the resolve', (r) => s(r.allResolvedS), ''),
      row('groups shown resolved at the end', (r) => `${r.counts.resolved} of ${g}`, ''),
    ]),
    '',
  ].join('\n');
}

function replicasTable(e: Extract<Stored, { kind: 'replicas' }>): string {
  const r = e.result;
  return [
    `### replicas: 3 mogo processes, ${r.groups} new groups at once, each notification to two replicas, one SIGKILLed (${e.key.endsWith(':quick') ? 'quick' : 'full'})`,
    '',
    `${e.at} · ${e.machine} · commit ${e.commit} · replica 2 killed ${r.killAfterS} s after the push, restarted ${r.restartAfterS} s later`,
    '',
    table([
      ['measure', 'mogo', 'target (issue 8)'],
      [
        'groups visible when the firing watch ended',
        `${r.visible} of ${r.groups}`,
        `${r.groups} of ${r.groups}`,
      ],
      ['every group visible, after the push', s(r.allVisibleS), '≤ 10 s'],
      ['groups with more than one message (duplicates)', String(r.duplicates), '0'],
      [
        'every group shown resolved, after the resolve',
        `${s(r.allResolvedS)} (${r.resolved} of ${r.groups})`,
        '≤ 30 s',
      ],
      ['Slack calls (share answered 429)', `${r.calls} (${share(r.rateLimited, r.calls)})`, '≤ 1%'],
    ]),
    '',
  ].join('\n');
}

/** A Markdown table with padded columns, as the repository's formatter (biome) writes them. */
function table(rows: string[][]): string {
  const width = (t: string) => [...t].length;
  const widths = rows[0]!.map((_, c) => Math.max(3, ...rows.map((r) => width(r[c] ?? ''))));
  const line = (cells: string[]) =>
    `| ${cells.map((t, c) => t + ' '.repeat(widths[c]! - width(t))).join(' | ')} |`;
  return [line(rows[0]!), line(widths.map((w) => '-'.repeat(w))), ...rows.slice(1).map(line)].join('\n');
}

function render(all: Stored[]): string {
  const tables = all.map((e) => (e.kind === 'storm' ? stormTable(e) : replicasTable(e)));
  return [
    HEADING,
    '',
    'Run: `npm run bench:storm` (all scenarios, several minutes each), `npm run bench:storm -- --scenario 200x50`,',
    '`npm run bench:storm -- --quick` (small storms, about two minutes). A real Alertmanager 0.25 (group_wait 1 s,',
    'group_interval 2 s, group_by [alertname]) feeds both mogo (webhook, one process on PostgreSQL + Redis) and its own',
    '`slack_configs` receiver, same storm, same run, into one fake Slack enforcing Slack’s limits',
    '(test/fakes/slack-limits.ts: chat.postMessage 1/s per channel burst 3 and 300/min per workspace, Tier 3 such as',
    'chat.update 50/min burst 10, incoming webhooks 1/s burst 2; 429 with Retry-After). Everything goes to one channel;',
    'P1Outage (P1) is pushed 5 s in, the storm is P2/P3. "Visible": a group named in a message (or roll-up line);',
    '"all its alerts": a message shows its firing count equal to the alerts pushed. Times after the storm are from the',
    'last push. Raw figures: bench/storm-results.json. The machine is small and shared (other test runs, "load" is',
    'the 1-minute load average when the run ended), so timings vary between runs; the call counts and 429 shares',
    'vary less.',
    '',
    ...tables,
  ].join('\n');
}
