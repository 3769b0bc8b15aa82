import { randomUUID } from 'node:crypto';
import { priorityRank } from '../../domain/alert';
import { type AlertGroup, alertnameOf } from '../../domain/group';
import { type Incident, type Severity, severityForPriority } from '../../domain/incident';
import type { MessageRef } from '../../ports';
import type { Denial } from '../../rollback/access';
import { mayDeclare } from './access';
import type { IncidentDeps } from './deps';

/** Set-up steps in the order they run (seq = position); later ones (refresh, postmortem, archive) come after. */
export const CHANNEL_STEPS = [
  'channel',
  'topic',
  'invite',
  'summary',
  'bookmarks',
  'announce',
  'alert_threads',
];
export const THREAD_STEPS = ['summary', 'announce', 'alert_threads'];
export const LATER_STEPS = { refresh: 100, postmortem: 150, archive: 200 } as const;

export interface DeclareInput {
  /** The Slack user who declares (signed by Slack). */
  user: string;
  title?: string;
  severity?: Severity;
  /** Defaults to the declaring user. */
  lead?: string;
  groupIds: string[];
  /**
   * Where the declaration came from: the channel, and the alert message when it came from its button (thread
   * mode keeps the incident in that message's thread, else in a new thread in the channel).
   */
  from?: { channel: string; ts?: string };
}

export type DeclareOutcome =
  | { kind: 'declared'; incident: Incident; alreadyLinked: string[] }
  | { kind: 'exists'; incident: Incident }
  | { kind: 'denied'; denial: Denial };

/**
 * Declares an incident: the incident row, its links to the alert groups and every set-up step commit in one
 * transaction; the worker then creates the channel and the rest (so a crash or a 429 never half-creates it).
 * Groups already in an open incident are not declared again; if all are, that incident is the answer.
 */
export async function declareIncident(deps: IncidentDeps, input: DeclareInput): Promise<DeclareOutcome> {
  const rules = deps.rules.current();
  const access = await mayDeclare(deps.directory, rules.roles, input.user);
  if (!access.allowed) return { kind: 'denied', denial: access.denial };

  const groups = (await Promise.all(input.groupIds.map((id) => deps.alerts.getGroup(id)))).filter(
    (g): g is AlertGroup => g !== null,
  );
  const top = [...groups].sort(
    (a, b) => priorityRank(a.routing.priority) - priorityRank(b.routing.priority),
  )[0];
  const severity = input.severity ?? (top ? severityForPriority(top.routing.priority) : 'SEV3');
  const title = (input.title?.trim() || (top ? titleOf(top) : 'Incident')).slice(0, 200);
  const thread = deps.settings.mode === 'thread' ? await threadOf(deps, input, groups) : null;
  const id = randomUUID();
  const res = await deps.incidents.declare(
    {
      id,
      title,
      severity,
      mode: deps.settings.mode,
      private: deps.settings.privateSeverities.includes(severity),
      lead: input.lead ?? input.user,
      declaredBy: input.user,
      groupIds: groups.map((g) => g.id),
      thread,
      steps: deps.settings.mode === 'thread' ? THREAD_STEPS : CHANNEL_STEPS,
    },
    [
      {
        actor: input.user,
        action: 'incident.declared',
        subject: `incident:${id}`,
        details: { title, severity, lead: input.lead ?? input.user, groups: groups.map((g) => g.id) },
      },
    ],
  );
  if (res.kind === 'declared') deps.kick?.();
  return res;
}

function titleOf(g: AlertGroup): string {
  const name = alertnameOf(g) ?? 'Alert';
  const summary = g.commonAnnotations.summary ?? g.alerts[0]?.annotations.summary;
  return summary ? `${name}: ${summary}` : name;
}

/**
 * Thread mode: the clicked alert message, else the first linked group's message, else a new message in the
 * channel the command came from (its ts is filled in when the summary is posted; a placeholder keeps the
 * one-incident-per-thread index happy meanwhile).
 */
async function threadOf(deps: IncidentDeps, input: DeclareInput, groups: AlertGroup[]) {
  const { from } = input;
  if (from?.ts && (await groupMessage(deps, groups, { channel: from.channel, ts: from.ts })))
    return { channel: from.channel, ts: from.ts };
  for (const g of groups) {
    const m = await deps.alerts.getMessage(g.id);
    if (m) return { channel: m.channel, ts: m.ts };
  }
  return from ? { channel: from.channel, ts: `pending:${randomUUID()}` } : null;
}

async function groupMessage(deps: IncidentDeps, groups: AlertGroup[], ref: MessageRef) {
  for (const g of groups) {
    const m = await deps.alerts.getMessage(g.id);
    if (m && m.channel === ref.channel && m.ts === ref.ts) return true;
  }
  return false;
}

export const isPendingThread = (ts: string | null) => ts === null || ts.startsWith('pending:');
