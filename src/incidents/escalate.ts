/**
 * Escalation: a firing group nobody acknowledges is re-announced in its thread, one chain step per deadline; an
 * acknowledged group still firing gets a reminder. Run on a schedule by every replica: each step is claimed in
 * the EscalationStore before it is told, so it is told once across the cluster and never again after a restart.
 * Acknowledging or resolving stops the chain because only unacknowledged firing groups have unack steps due.
 */
import type { AlertGroup } from '../domain/group';
import type { Logger } from '../logger';
import type {
  AlertStore,
  AuditLog,
  EscalationEvent,
  EscalationNotifier,
  EscalationStore,
  MessageRef,
  Placements,
  RulesProvider,
} from '../ports';
import { type EscalationPolicy, onCallUser, type RuleSet } from '../rules';

export interface EscalationDeps {
  alerts: Pick<AlertStore, 'listGroups' | 'getGroupToShow'>;
  placements: Pick<Placements, 'get' | 'getRollup'>;
  steps: EscalationStore;
  notifier: EscalationNotifier;
  audit: AuditLog;
  rules: RulesProvider;
  logger: Logger;
  metrics?: { stepTold(kind: 'escalated' | 'reminded'): void };
}

export interface EscalationResult {
  escalated: number;
  reminded: number;
  failed: number;
}

/** Groups looked at per run; the most pressing come first from listGroups. */
const MAX_GROUPS = 1000;
/** Firing alerts read to tell when a group's firing episode began (firing ones come first). */
const EPISODE_ALERTS = 20;

/** One escalation run at `now`: every step that is due and not yet taken is claimed, told and audited. */
export async function escalateGroups(deps: EscalationDeps, now: Date): Promise<EscalationResult> {
  const result: EscalationResult = { escalated: 0, reminded: 0, failed: 0 };
  const rules = deps.rules.current();
  const groups = await deps.alerts.listGroups({ status: 'firing', limit: MAX_GROUPS });
  for (const group of groups) {
    if (!group.routing.notify) continue;
    const policy = policyFor(rules, group);
    if (!policy) continue;
    // listGroups lists no alerts; an unacknowledged group's episode starts with its firing ones
    const full =
      !group.ack && policy.afterMs !== undefined
        ? ((await deps.alerts.getGroupToShow(group.id, EPISODE_ALERTS)) ?? group)
        : group;
    const due = dueStep(rules, full, policy, now);
    if (!due) continue;
    const ref = await messageOf(deps, group.id);
    if (!ref) continue; // not shown in Slack (yet): nothing to reply to; a later run will find it
    if (!(await deps.steps.claim(group.id, due.key, now))) continue;
    try {
      await deps.notifier.notify(ref, due.event);
    } catch (err) {
      result.failed++;
      await deps.steps.release(group.id, due.key).catch(() => undefined);
      deps.logger.warn(
        { err, groupId: group.id, step: due.key },
        'escalation step not told; retried next run',
      );
      continue;
    }
    if (due.event.kind === 'escalated') result.escalated++;
    else result.reminded++;
    deps.metrics?.stepTold(due.event.kind);
    deps.audit.append(auditOf(group, due.event, ref));
  }
  return result;
}

/** The first applied rule's escalation (in the order the rules applied), else the priority's default. */
export function policyFor(rules: RuleSet, group: AlertGroup): EscalationPolicy | undefined {
  for (const m of group.routing.matched) {
    const rule = rules.rules.find((r) => r.name === m.rule);
    if (rule?.escalation) return rule.escalation;
  }
  return rules.defaults.escalation[group.routing.priority];
}

/**
 * When the group's current firing episode began: it cannot be before mogo knew the group, and a group that
 * resolved and fired again starts over (its firing alerts started after the resolve).
 */
export function episodeStart(group: AlertGroup): number {
  let earliest = Number.POSITIVE_INFINITY;
  for (const a of group.alerts) {
    if (a.status !== 'firing') continue;
    const t = Date.parse(a.startsAt);
    if (!Number.isNaN(t)) earliest = Math.min(earliest, t);
  }
  const created = Date.parse(group.createdAt);
  return Number.isFinite(earliest) ? Math.max(created, earliest) : created;
}

interface Due {
  /** Unique per group and episode: the claim key. */
  key: string;
  event: EscalationEvent;
}

/** The latest step due at `now` (a run that was down for several deadlines tells only the latest one). */
export function dueStep(rules: RuleSet, group: AlertGroup, policy: EscalationPolicy, now: Date): Due | null {
  const nowMs = now.getTime();
  if (group.ack) {
    if (policy.remindAfterMs === undefined) return null;
    const since = nowMs - Date.parse(group.ack.at);
    const n = Math.floor(since / policy.remindAfterMs);
    if (n < 1) return null;
    return {
      key: `ack:${group.ack.at}:remind:${n}`,
      event: { kind: 'reminded', group, ackBy: group.ack.by, acknowledgedMs: since },
    };
  }
  if (policy.afterMs === undefined) return null;
  const start = episodeStart(group);
  const steps = Math.max(1, policy.chain.length);
  const n = Math.min(steps, Math.floor((nowMs - start) / policy.afterMs));
  if (n < 1) return null;
  const target = policy.chain[n - 1] ?? null;
  return {
    key: `${new Date(start).toISOString()}:step:${n}`,
    event: {
      kind: 'escalated',
      group,
      step: n,
      steps,
      target,
      mention: target === null ? null : resolveMention(rules, group, target, now),
      unacknowledgedMs: nowMs - start,
    },
  };
}

/** "oncall" (the routed team's) and "oncall:<team>" -> the person on call now; other mentions as they are. */
function resolveMention(rules: RuleSet, group: AlertGroup, target: string, now: Date): string | null {
  if (target !== 'oncall' && !target.startsWith('oncall:')) return target;
  const team = target === 'oncall' ? group.routing.team : target.slice('oncall:'.length);
  const user = team === undefined ? undefined : onCallUser(rules.rotations, team, now);
  return user === undefined ? null : `<@${user}>`;
}

/** The group's own message, else the storm roll-up message it is a line of. */
async function messageOf(deps: EscalationDeps, groupId: string): Promise<MessageRef | null> {
  const placement = await deps.placements.get(groupId);
  if (placement?.kind === 'message') return placement.ref;
  if (placement?.kind === 'rollup') return (await deps.placements.getRollup(placement.rollupId))?.ref ?? null;
  return null;
}

function auditOf(group: AlertGroup, event: EscalationEvent, ref: MessageRef) {
  const common = { priority: group.routing.priority, channel: ref.channel, ts: ref.ts };
  if (event.kind === 'reminded')
    return {
      actor: 'mogo',
      action: 'alert.reminded',
      subject: `group:${group.id}`,
      details: { ...common, acknowledgedBy: event.ackBy, acknowledgedMs: event.acknowledgedMs },
    };
  return {
    actor: 'mogo',
    action: 'alert.escalated',
    subject: `group:${group.id}`,
    details: {
      ...common,
      step: event.step,
      steps: event.steps,
      target: event.target,
      mention: event.mention,
      unacknowledgedMs: event.unacknowledgedMs,
      ...(group.routing.team ? { team: group.routing.team } : {}),
    },
  };
}
