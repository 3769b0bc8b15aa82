/**
 * `mogo rules test <payload.json>`: how the rules route each alert of an Alertmanager payload, and the exact
 * Slack message the bot would post for the group (built the way the bot builds it: applyNotification with
 * routeGroup, rendered by renderAlertGroup), with a Block Kit Builder link to preview it.
 * `mogo rules test name=value …`: how the rules route one firing alert with those labels, like
 * `amtool config routes test` does for Alertmanager's routes.
 * `mogo rules test --all`: the rule unit tests in `<rules dir>/tests/*.yml`.
 */
import type { Alert, Routing } from '../domain/alert';
import { applyNotification } from '../domain/merge';
import { routeGroup } from '../incidents/receive-notification';
import { formatProblem, loadRules, type RuleSet, routeAlert } from '../rules';
import { renderAlertGroup } from '../slack/blocks/alert-group';
import { formatRuleTestReport, readPayload, runRuleTests } from './rule-tests';

export interface Output {
  out(text: string): void;
  err(text: string): void;
}

export const BLOCK_KIT_BUILDER = 'https://app.slack.com/block-kit-builder#';

export function previewUrl(blocks: unknown[]): string {
  return BLOCK_KIT_BUILDER + encodeURIComponent(JSON.stringify({ blocks }));
}

export async function rulesTestPayload(
  io: Output,
  opts: { payload: string; rulesDir: string; at: Date; json: boolean },
): Promise<number> {
  const rules = await loadOrReport(io, opts.rulesDir);
  if (!rules) return 1;
  const n = await readPayload(opts.payload, opts.payload);
  if (typeof n === 'string') {
    io.err(`mogo: ${n}\n`);
    return 1;
  }
  const { at } = opts;
  const alerts = n.alerts.map((alert) => ({ alert, routing: routeAlert(rules, alert, at) }));
  const group = applyNotification(null, n, (firing) => routeGroup(rules, firing, at), at);
  if (!group) {
    io.err(`mogo: the payload holds no alerts\n`);
    return 1;
  }
  const message = renderAlertGroup(group);
  const preview = previewUrl(message.blocks);
  if (opts.json) {
    const report = {
      at: at.toISOString(),
      rules: { dir: opts.rulesDir, digest: rules.digest, files: rules.files },
      alerts: alerts.map(({ alert, routing }) => ({ labels: alert.labels, status: alert.status, routing })),
      group: { groupKey: group.groupKey, routing: group.routing, posted: group.routing.notify },
      message,
      preview,
    };
    io.out(`${JSON.stringify(report, null, 2)}\n`);
    return 0;
  }
  const lines = [
    `rules ${opts.rulesDir} (digest ${rules.digest.slice(0, 12)}, ${rules.files.length} files) at ${at.toISOString()}`,
    '',
  ];
  alerts.forEach(({ alert, routing }, i) => {
    lines.push(`alert ${i + 1}/${alerts.length} ${alert.status} ${labelText(alert.labels)}`);
    lines.push(...describeRouting(rules, routing), '');
  });
  const r = group.routing;
  const where = r.notify
    ? `posted to ${r.channel}`
    : `not posted (notify is off: recorded and shown in the digest only); it would look like this in ${r.channel}`;
  lines.push(`group ${labelText(group.groupLabels)}: ${r.priority}, ${where}`);
  lines.push('(a group takes the routing of its most pressing firing alert)', '');
  lines.push('Block Kit JSON:', JSON.stringify(message, null, 2), '');
  lines.push(`Preview in Block Kit Builder:\n${preview}`);
  io.out(`${lines.join('\n')}\n`);
  return 0;
}

/** `name=value` arguments as a label set; null when one is not of that form (then it is a payload file). */
export function parseLabelArgs(args: readonly string[]): Record<string, string> | null {
  if (args.length === 0) return null;
  const labels: Record<string, string> = {};
  for (const arg of args) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(arg);
    if (!m) return null;
    labels[m[1]!] = m[2]!.replace(/^"(.*)"$/s, '$1');
  }
  return labels;
}

/** Routes one firing alert carrying `labels` (no annotations, started at `at`). */
export async function rulesTestLabels(
  io: Output,
  opts: { labels: Record<string, string>; rulesDir: string; at: Date; json: boolean },
): Promise<number> {
  const rules = await loadOrReport(io, opts.rulesDir);
  if (!rules) return 1;
  const routing = routeAlert(
    rules,
    { labels: opts.labels, annotations: {}, startsAt: opts.at.toISOString() },
    opts.at,
  );
  if (opts.json) {
    io.out(`${JSON.stringify({ at: opts.at.toISOString(), labels: opts.labels, routing }, null, 2)}\n`);
    return 0;
  }
  io.out(
    `${labelText(opts.labels)} at ${opts.at.toISOString()}\n${describeRouting(rules, routing).join('\n')}\n`,
  );
  return 0;
}

async function loadOrReport(io: Output, dir: string): Promise<RuleSet | null> {
  try {
    return await loadRules(dir);
  } catch (e) {
    const problems = ((e as { details?: { problems?: [] } }).details?.problems ?? []) as never[];
    for (const p of problems) io.err(`${formatProblem(p)}\n`);
    if (problems.length === 0) io.err(`mogo: ${e instanceof Error ? e.message : String(e)}\n`);
    return null;
  }
}

function describeRouting(rules: RuleSet, r: Routing): string[] {
  const sources = new Map(rules.rules.map((rule) => [rule.name, rule.source]));
  const width = Math.max(0, ...r.matched.map((m) => m.rule.length));
  const matched = r.matched.map((m) => {
    const s = sources.get(m.rule)!;
    const extra = `${m.boost !== undefined ? ` (boost ${m.boost})` : ''}${m.multiply !== undefined ? ` ×${m.multiply}` : ''}`;
    const contribution = `${m.weight >= 0 ? '+' : ''}${m.weight}${extra}`;
    return `${m.rule.padEnd(width)}  ${contribution.padEnd(14)} ${s.file}:${s.line}:${s.column}`;
  });
  const field = (name: string, value: string) => `  ${`${name}:`.padEnd(11)}${value}`;
  return [
    field('rules', matched[0] ?? 'none matched'),
    ...matched.slice(1).map((m) => `             ${m}`),
    field('why', (r.explain ?? []).join(' · ')),
    field('score', String(r.score)),
    field('priority', r.priority),
    field('channel', r.channel),
    field('mentions', r.mentions.length > 0 ? r.mentions.join(' ') : 'nobody'),
    field('notify', r.notify ? 'yes' : 'no (digest only)'),
    field('rollback', r.rollbackTarget ?? 'none (no Rollback button)'),
  ];
}

function labelText(labels: Alert['labels']): string {
  const entries = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`);
  return `{${entries.join(', ')}}`;
}

export async function rulesTestAll(io: Output, opts: { rulesDir: string; json: boolean }): Promise<number> {
  const report = await runRuleTests(opts.rulesDir);
  if (opts.json) {
    const { ok, files, results } = report;
    const problems = report.problems.map(formatProblem);
    io.out(`${JSON.stringify({ ok, files, problems, results }, null, 2)}\n`);
  } else {
    io.out(formatRuleTestReport(report));
  }
  return report.ok ? 0 : 1;
}
