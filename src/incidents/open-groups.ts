import type { Priority } from '../domain/alert';
import { type AlertGroup, alertnameOf, countByStatus, firstSummaryOf, shortIdOf } from '../domain/group';
import type { AlertStore, Clock, ReadCache, SilenceStore } from '../ports';

/** One open group as `/incident` shows it: small enough to cache for every replica. */
export interface GroupSummary {
  id: string;
  shortId: string;
  name: string;
  summary: string | null;
  priority: Priority;
  channel: string;
  /** The rollback target a rule or the alert attached, if any. */
  rollbackTarget: string | null;
  firing: number;
  resolved: number;
  /** The labels every alert of the group shares (grouping labels included): what `list` matches on first. */
  labels: Record<string, string>;
  ack: { by: string; at: string } | null;
  /** The latest end of the group's active silences made by mogo; null: not silenced. */
  silencedUntil: string | null;
  createdAt: string;
  generatorURL: string | null;
  runbookURL: string | null;
}

/** Most pressing first: P1 before P2 …, then the oldest. The order of `status`, `list` and a rollback by target. */
export function mostPressingFirst(a: GroupSummary, b: GroupSummary): number {
  return a.priority.localeCompare(b.priority) || a.createdAt.localeCompare(b.createdAt);
}

export interface OpenGroupsDeps {
  alerts: Pick<AlertStore, 'listGroups' | 'getGroup'>;
  cache: ReadCache;
  /** mogo's silences (real silences configured); absent: silencedUntil is always null. */
  silences?: Pick<SilenceStore, 'activeForGroup'> | undefined;
  clock: Clock;
}

const CACHE_KEY = 'console:open-groups:v2';
/** Short enough that a change made elsewhere (a button, another replica) shows within seconds. */
export const OPEN_GROUPS_TTL_MS = 5_000;
const MAX_OPEN = 500;
const RECENT_RESOLVED = 200;

/** The open (firing) groups, from the shared cache when fresh, else from the store (then cached). */
export async function readOpenGroups(deps: OpenGroupsDeps): Promise<GroupSummary[]> {
  const cached = await deps.cache.get(CACHE_KEY);
  if (cached !== null) {
    try {
      return JSON.parse(cached) as GroupSummary[];
    } catch {
      // not ours or from an older version: read afresh
    }
  }
  const groups = await deps.alerts.listGroups({ status: 'firing', limit: MAX_OPEN });
  const summaries = await Promise.all(groups.map((g) => summaryOf(deps, g)));
  await deps.cache.set(CACHE_KEY, JSON.stringify(summaries), OPEN_GROUPS_TTL_MS);
  return summaries;
}

/** A write through the console changed what the open groups look like: the next read goes to the store. */
export function forgetOpenGroups(cache: ReadCache): Promise<void> {
  return cache.delete(CACHE_KEY);
}

async function summaryOf(deps: OpenGroupsDeps, g: AlertGroup): Promise<GroupSummary> {
  const { firing, resolved } = countByStatus(g);
  const silences = deps.silences ? await deps.silences.activeForGroup(g.id) : [];
  const until = silences.reduce<number | null>((m, s) => Math.max(m ?? 0, s.endsAt.getTime()), null);
  const shared = g.allAlerts;
  return {
    id: g.id,
    shortId: shortIdOf(g.id),
    name: alertnameOf(g) ?? g.groupKey,
    summary: firstSummaryOf(g) ?? null,
    priority: g.routing.priority,
    channel: g.routing.channel,
    rollbackTarget: g.routing.rollbackTarget ?? null,
    firing,
    resolved,
    labels: { ...(shared?.labels ?? {}), ...g.groupLabels },
    ack: g.ack,
    silencedUntil: until === null ? null : new Date(until).toISOString(),
    createdAt: g.createdAt,
    generatorURL: shared?.generatorURL ?? null,
    runbookURL: g.commonAnnotations.runbook_url ?? shared?.annotations.runbook_url ?? null,
  };
}

export type FoundGroup =
  | { kind: 'found'; group: AlertGroup }
  | { kind: 'not_found' }
  | { kind: 'ambiguous'; ids: string[] };

const FULL_ID = /^[0-9a-f]{24}$/;
const SHORT_ID = /^[0-9a-f]{4,23}$/;

/**
 * The group a person typed: the full groupId (as the webhook answered it) or the short id on its message (any
 * unambiguous prefix of at least 4 characters) among the open groups.
 */
export async function findGroup(deps: OpenGroupsDeps, typed: string): Promise<FoundGroup> {
  const id = typed.trim().toLowerCase().replace(/^`|`$/g, '');
  if (FULL_ID.test(id)) {
    const group = await deps.alerts.getGroup(id);
    return group ? { kind: 'found', group } : { kind: 'not_found' };
  }
  if (!SHORT_ID.test(id)) return { kind: 'not_found' };
  let candidates: { id: string }[] = (await readOpenGroups(deps)).filter((g) => g.id.startsWith(id));
  if (candidates.length > 1) return { kind: 'ambiguous', ids: candidates.map((c) => c.id) };
  // a group resolved a moment ago (e.g. while silenced) can still be unsilenced by its short id
  if (candidates.length === 0)
    candidates = (await deps.alerts.listGroups({ status: 'resolved', limit: RECENT_RESOLVED })).filter((g) =>
      g.id.startsWith(id),
    );
  if (candidates.length > 1) return { kind: 'ambiguous', ids: candidates.map((c) => c.id) };
  const group = candidates[0] && (await deps.alerts.getGroup(candidates[0].id));
  return group ? { kind: 'found', group } : { kind: 'not_found' };
}
