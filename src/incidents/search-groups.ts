import type { AlertStore } from '../ports';
import { type Matcher, matches, matchesAll } from '../rules/matcher';
import { nextTurn } from '../yielding';
import { type GroupSummary, mostPressingFirst } from './open-groups';

/**
 * One open group `/incident list` found: by the labels all its alerts share, or through its firing alerts one by
 * one (`matching` of them satisfy every matcher; `complete` false: the search stopped inside the group, so at
 * least that many).
 */
export type GroupMatch =
  | { group: GroupSummary; by: 'labels' }
  | { group: GroupSummary; by: 'alerts'; matching: number; complete: boolean };

export interface GroupSearch {
  matches: GroupMatch[];
  /** null: every group was searched; else the alerts read and how many groups were not (fully) searched. */
  cutShort: { examined: number; groupsLeft: number } | null;
}

export interface SearchLimits {
  /** Firing alerts read across all groups before the search stops. */
  maxExamined: number;
  /** Alerts per read. */
  page: number;
}

/** About 20 reads of 1,000 labels: a second or so, well inside Slack's wait for a command's answer. */
export const SEARCH_LIMITS: SearchLimits = { maxExamined: 20_000, page: 1_000 };

/**
 * Whether any one alert of a group with these shared labels could satisfy every matcher: not when a matcher on a
 * label all the alerts share fails on it, since every alert then carries that very value. Spares reading the
 * alerts of groups the matchers rule out by their shared labels (an `alertname` matcher, say).
 */
export function alertsMayMatch(matchers: readonly Matcher[], shared: Record<string, string>): boolean {
  return matchers.every((m) => !Object.hasOwn(shared, m.name) || matches(m, shared));
}

/**
 * The open groups matching `matchers` (Alertmanager semantics, rules/matcher.ts): a group matches when its shared
 * labels do, or when at least one of its firing alerts satisfies every matcher on its own labels (never one
 * matcher on one alert and another on a second). Groups are searched most pressing first, a page of alerts
 * at a time with a turn of the event loop between groups, until `limits.maxExamined` alerts have been read.
 */
export async function searchOpenGroups(
  alerts: Pick<AlertStore, 'firingAlertLabels'>,
  open: readonly GroupSummary[],
  matchers: readonly Matcher[],
  limits: SearchLimits = SEARCH_LIMITS,
): Promise<GroupSearch> {
  const found: GroupMatch[] = [];
  const toSearch: GroupSummary[] = [];
  for (const group of open) {
    if (matchesAll(matchers, group.labels)) found.push({ group, by: 'labels' });
    else if (group.firing > 0 && alertsMayMatch(matchers, group.labels)) toSearch.push(group);
  }
  toSearch.sort(mostPressingFirst);

  let examined = 0;
  for (let i = 0; i < toSearch.length; i++) {
    const group = toSearch[i]!;
    if (examined >= limits.maxExamined)
      return { matches: found, cutShort: { examined, groupsLeft: toSearch.length - i } };
    if (i > 0) await nextTurn();
    let matching = 0;
    let after: number | null = null;
    do {
      const want = Math.min(limits.page, limits.maxExamined - examined);
      const page = await alerts.firingAlertLabels(group.id, after, want);
      examined += page.labels.length;
      for (const labels of page.labels) if (matchesAll(matchers, labels)) matching++;
      after = page.next;
    } while (after !== null && examined < limits.maxExamined);
    const complete = after === null;
    if (matching > 0) found.push({ group, by: 'alerts', matching, complete });
    if (!complete) return { matches: found, cutShort: { examined, groupsLeft: toSearch.length - i } };
  }
  return { matches: found, cutShort: null };
}
