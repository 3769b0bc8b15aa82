/**
 * Routing one alert through a RuleSet. Hot path (every alert, every rule): no regex compilation, no clock
 * reading unless a window, boost or maintenance entry needs one, and only the arrays the result needs.
 *
 * The order, as docs/rules.md states it:
 *   1. sum = label weights (defaults.label_weights) + for every applied rule: weight (+ boost weight, when its
 *      condition holds). A rule applies when its matchers match and its `when` window allows it; a rule with
 *      `continue: false` that applies ends the evaluation.
 *   2. score = round(sum × the product of the applied rules' `multiply`).
 *   3. priority from the thresholds; then active maintenance: `hold` (not posted) or `downgrade` by N.
 *   4. channel: first applied rule's channel, else defaults.channels[priority], else defaults.channel.
 *   5. notify: false when held, else the first applied rule's `notify`, else defaults.notify[priority].
 *   6. rollback target: first applied rule's, else the alert's rollback_target label, else its annotation,
 *      kept only when it names a declared target that lets alerts attach it (attach.from_alerts) and whose
 *      attach.matchers the alert matches.
 */
import { PRIORITIES, type Priority, type Routing } from '../domain/alert';
import { labelValue, matchesAll } from './matcher';
import { onCallUser, rotationOf } from './oncall';
import { inWindow } from './time';
import type { CompiledRule, Maintenance, RuleSet, Thresholds } from './types';

export interface RoutableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** RFC 3339, when the alert started firing; a `boost.firing_for` needs it (absent: no such boost). */
  startsAt?: string;
}

/** What is known about an alert beyond the alert itself; optional, for `boost.refires`. */
export interface AlertHistory {
  /** How often this alert (its fingerprint) fired again after it had resolved. */
  refires: number;
}

type Matched = Routing['matched'][number];

/**
 * Routes one alert at the instant `at` (the caller's clock; absent: the current time, read only when a
 * window, boost or maintenance entry needs it). Pure otherwise: the same inputs give the same Routing.
 */
export function routeAlert(rules: RuleSet, alert: RoutableAlert, at?: Date, history?: AlertHistory): Routing {
  const { labels } = alert;
  let atMs = at ? at.getTime() : Number.NaN;
  const now = () => {
    if (Number.isNaN(atMs)) atMs = Date.now();
    return atMs;
  };
  const { defaults } = rules;
  const explain: string[] = [];
  const matched: Matched[] = [];
  let sum = 0;

  for (const lw of defaults.labelWeights) {
    const value = labelValue(labels, lw.label);
    const w = lw.values.get(value);
    if (w === undefined) continue;
    sum += w;
    explain.push(`${lw.label}=${JSON.stringify(value)}: ${signed(w)}`);
  }

  let startedMs: number | undefined;
  let multiplier = 1;
  let channel: string | undefined;
  let notify: boolean | undefined;
  let rollup = true;
  let ruleTarget: CompiledRule | undefined;
  let ruleMentions: string[] | undefined;
  let team: string | undefined;
  const list = rules.rules;
  for (let i = 0; i < list.length; i++) {
    const rule = list[i]!;
    if (!matchesAll(rule.matchers, labels)) continue;
    if (rule.when && inWindow(rule.when.window, now()) !== rule.when.inside) {
      const where = rule.when.inside ? 'outside' : 'inside';
      explain.push(`rule ${rule.name}: not applied, ${where} ${rule.when.window.label}`);
      continue;
    }
    const entry: Matched = { rule: rule.name, weight: rule.weight };
    if (rule.boost) startedMs ??= startOf(alert);
    if (rule.boost && boostHolds(rule, startedMs!, now, history)) {
      entry.weight += rule.boost.weight;
      entry.boost = rule.boost.weight;
    }
    if (rule.multiply !== 1) {
      multiplier *= rule.multiply;
      entry.multiply = rule.multiply;
    }
    sum += entry.weight;
    matched.push(entry);
    explain.push(ruleLine(rule, entry));
    channel ??= rule.channel;
    notify ??= rule.notify;
    if (rule.rollup === 'never') rollup = false;
    if (!ruleTarget && rule.rollbackTarget !== undefined) ruleTarget = rule;
    team ??= rule.team;
    if (rule.mentions.length > 0) {
      ruleMentions ??= [];
      for (const m of rule.mentions) ruleMentions.push(m);
    }
    if (!rule.continue) break;
  }

  const score = multiplier === 1 ? sum : Math.round(sum * multiplier);
  const scored = priorityFor(score, defaults.thresholds);
  explain.push(
    multiplier === 1
      ? `score ${score} → ${scored}`
      : `score ${sum} × ${round(multiplier)} = ${score} → ${scored}`,
  );

  let priority = scored;
  let held = false;
  if (rules.maintenance.length > 0) {
    const effect = applyMaintenance(rules.maintenance, labels, now, scored, explain);
    priority = effect.priority;
    held = effect.held;
  }
  notify = held ? false : (notify ?? defaults.notify[priority]);
  team ??= labelValue(labels, 'team') || undefined;
  let mentions: string[] = [];
  if (notify) {
    const base = defaults.mentions[priority];
    mentions = ruleMentions ? [...new Set([...base, ...ruleMentions])] : [...base];
    if (priority === 'P1' && team !== undefined && rotationOf(rules.rotations, team))
      mentions.push(`oncall:${team}`);
    if (mentions.some(isOnCall)) {
      const at = new Date(now());
      mentions = onCallMentions(rules, mentions, at, explain);
    }
  }
  const rollbackTarget = rollbackTargetOf(rules, alert, ruleTarget, explain);
  return {
    priority,
    score,
    channel: channel ?? defaults.channels[priority] ?? defaults.channel,
    mentions,
    notify,
    ...(rollup ? {} : { rollup: false }),
    matched,
    rollbackTarget,
    ...(team === undefined ? {} : { team }),
    explain,
  };
}

const isOnCall = (m: string) => m.startsWith('oncall:');

/** `oncall:<team>` -> the person on call at `at` ("<@U…>"), dropped when nobody is; no duplicates. */
function onCallMentions(rules: RuleSet, mentions: string[], at: Date, explain: string[]): string[] {
  const out = new Set<string>();
  for (const m of mentions) {
    if (!isOnCall(m)) {
      out.add(m);
      continue;
    }
    const team = m.slice('oncall:'.length);
    const user = onCallUser(rules.rotations, team, at);
    if (user !== undefined) out.add(`<@${user}>`);
    else explain.push(`on-call of ${team}: nobody on call`);
  }
  return [...out];
}

/** score >= P1 threshold -> P1, >= P2 -> P2, >= P3 -> P3, anything lower -> P4. */
export function priorityFor(score: number, t: Thresholds): Priority {
  if (score >= t.P1) return 'P1';
  if (score >= t.P2) return 'P2';
  if (score >= t.P3) return 'P3';
  return 'P4';
}

/** `by` priorities less urgent, at most P4. */
export function downgrade(p: Priority, by: number): Priority {
  return PRIORITIES[Math.min(PRIORITIES.length - 1, PRIORITIES.indexOf(p) + by)]!;
}

function startOf(alert: RoutableAlert): number {
  return alert.startsAt === undefined ? Number.NaN : Date.parse(alert.startsAt);
}

function boostHolds(
  rule: CompiledRule,
  startedMs: number,
  now: () => number,
  history: AlertHistory | undefined,
): boolean {
  const { firingForMs, refires } = rule.boost!;
  if (refires !== undefined && (history?.refires ?? 0) < refires) return false;
  return firingForMs === undefined || now() - startedMs >= firingForMs;
}

/** Every active, matching entry applies: any hold holds; downgrades do not add up, the largest one counts. */
function applyMaintenance(
  entries: readonly Maintenance[],
  labels: Record<string, string>,
  now: () => number,
  scored: Priority,
  explain: string[],
): { priority: Priority; held: boolean } {
  let held = false;
  let by = 0;
  for (const m of entries) {
    if (!matchesAll(m.matchers, labels)) continue;
    const t = now();
    if (m.window ? !inWindow(m.window, t) : !(t >= m.start! && t < m.end!)) continue;
    const when = m.window ? `inside ${m.window.label}` : `until ${new Date(m.end!).toISOString()}`;
    const effect = m.action === 'hold' ? 'hold: recorded, not posted' : `downgrade by ${m.downgradeBy}`;
    explain.push(`maintenance ${m.name} (${when}): ${effect}${m.reason ? ` (${m.reason})` : ''}`);
    if (m.action === 'hold') held = true;
    else by = Math.max(by, m.downgradeBy);
  }
  const priority = downgrade(scored, by);
  if (priority !== scored) explain.push(`priority ${scored} → ${priority} (maintenance)`);
  return { priority, held };
}

function rollbackTargetOf(
  rules: RuleSet,
  alert: RoutableAlert,
  rule: CompiledRule | undefined,
  explain: string[],
): string | null {
  if (rule) {
    explain.push(`rollback target ${rule.rollbackTarget} (rule ${rule.name})`);
    return rule.rollbackTarget!;
  }
  const fromLabel = labelValue(alert.labels, 'rollback_target');
  const source = fromLabel !== '' ? 'label' : 'annotation';
  const name = fromLabel !== '' ? fromLabel : labelValue(alert.annotations, 'rollback_target');
  if (name === '') return null;
  const target = rules.targets.find((t) => t.name === name);
  const said = `rollback_target ${source} ${JSON.stringify(name)}`;
  if (!target) {
    explain.push(`${said} names no declared target: no rollback`);
    return null;
  }
  if (!target.attach.fromAlerts) {
    explain.push(`${said}: target ${name} is attached by rules only (attach.from_alerts): no rollback`);
    return null;
  }
  if (!matchesAll(target.attach.matchers, alert.labels)) {
    explain.push(`${said}: the alert does not match target ${name}'s attach.matchers: no rollback`);
    return null;
  }
  explain.push(`rollback target ${name} (${source} rollback_target)`);
  return name;
}

function ruleLine(rule: CompiledRule, entry: Matched): string {
  const parts: string[] = [];
  if (entry.boost !== undefined) {
    if (rule.weight !== 0) parts.push(signed(rule.weight));
    parts.push(`boost ${signed(entry.boost)} (${rule.boost!.label})`);
  } else if (rule.weight !== 0 || rule.multiply === 1) {
    parts.push(signed(rule.weight));
  }
  if (entry.multiply !== undefined) parts.push(`×${entry.multiply}`);
  const window = rule.when ? ` (${rule.when.inside ? 'inside' : 'outside'} ${rule.when.window.label})` : '';
  return `rule ${rule.name}: ${parts.join(', ')}${window}`;
}

function signed(n: number): string {
  return n >= 0 ? `+${n}` : String(n);
}

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
