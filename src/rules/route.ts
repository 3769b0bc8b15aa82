/**
 * Routing one alert through a RuleSet. Hot path (every alert, every rule): no regex compilation, no
 * closures, and only the arrays the result itself needs.
 */
import type { Priority, Routing } from '../domain/alert';
import { matchesAll } from './matcher';
import type { RuleSet, Thresholds } from './types';

export interface RoutableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/**
 * Rules are evaluated in order (files by name, then rules as written). Every matching rule adds its weight
 * and mentions; the first matching rule that names a channel decides the channel; a matching rule with
 * `continue: false` ends the evaluation. `at` is reserved for time-based rules in a later format version.
 */
export function routeAlert(rules: RuleSet, alert: RoutableAlert, _at?: Date): Routing {
  const { labels } = alert;
  const matched: Routing['matched'] = [];
  let score = 0;
  let channel: string | undefined;
  let ruleMentions: string[] | undefined;

  const list = rules.rules;
  for (let i = 0; i < list.length; i++) {
    const rule = list[i]!;
    if (!matchesAll(rule.matchers, labels)) continue;
    score += rule.weight;
    matched.push({ rule: rule.name, weight: rule.weight });
    if (channel === undefined) channel = rule.channel;
    if (rule.mentions.length > 0) {
      ruleMentions ??= [];
      for (const m of rule.mentions) ruleMentions.push(m);
    }
    if (!rule.continue) break;
  }

  const { defaults } = rules;
  const priority = priorityFor(score, defaults.thresholds);
  const notify = defaults.notify[priority];
  let mentions: string[] = [];
  if (notify) {
    const base = defaults.mentions[priority];
    mentions = ruleMentions ? [...new Set([...base, ...ruleMentions])] : [...base];
  }
  return { priority, score, channel: channel ?? defaults.channel, mentions, notify, matched };
}

/** score >= P1 threshold -> P1, >= P2 -> P2, >= P3 -> P3, anything lower -> P4. */
export function priorityFor(score: number, t: Thresholds): Priority {
  if (score >= t.P1) return 'P1';
  if (score >= t.P2) return 'P2';
  if (score >= t.P3) return 'P3';
  return 'P4';
}
