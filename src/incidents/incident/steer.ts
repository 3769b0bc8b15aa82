import {
  canMove,
  type Incident,
  type IncidentStatus,
  LEAD_ROLE,
  parseRole,
  type Severity,
  type TimelineEntry,
} from '../../domain/incident';
import type { IncidentChange } from '../../ports';
import { maySteer } from './access';
import { LATER_STEPS } from './declare';
import { type IncidentDeps, type SteerOutcome, subjectOf } from './deps';

type Decide = (current: Incident) => IncidentChange | null;

/** Applies a steering change when `user` may steer, then has the summary, announcement and topic refreshed. */
async function steer(
  deps: IncidentDeps,
  incidentId: string,
  user: string,
  decide: Decide,
): Promise<SteerOutcome> {
  const current = await deps.incidents.get(incidentId);
  if (!current) return { kind: 'not_found' };
  if (current.status === 'closed') return { kind: 'closed', incident: current };
  const access = await maySteer(deps.directory, deps.rules.current().roles, current, user);
  if (!access.allowed) return { kind: 'denied', denial: access.denial };
  const res = await deps.incidents.update(incidentId, (c) => (c.status === 'closed' ? null : decide(c)));
  if (!res) return { kind: 'not_found' };
  if (res.changed) await refreshLater(deps, res.incident);
  return { kind: 'ok', incident: res.incident, changed: res.changed };
}

export async function refreshLater(
  deps: IncidentDeps,
  incident: Incident,
  extra: { step: string; seq: number; dueAt?: Date }[] = [],
) {
  await deps.incidents.scheduleSteps(incident.id, [{ step: 'refresh', seq: LATER_STEPS.refresh }, ...extra]);
  deps.kick?.();
}

const entry = (
  deps: IncidentDeps,
  kind: TimelineEntry['kind'],
  author: string,
  text: string,
): TimelineEntry => ({
  kind,
  at: deps.clock.now(),
  author,
  text,
  sourceRef: null,
});

const audited = (incident: Incident, actor: string, action: string, details: Record<string, unknown>) => [
  { actor, action, subject: subjectOf(incident), details: { number: incident.number, ...details } },
];

/** Moves the status (investigating → identified → monitoring → resolved → closed; back while open). */
export async function setStatus(
  deps: IncidentDeps,
  incidentId: string,
  user: string,
  to: IncidentStatus,
): Promise<SteerOutcome> {
  const current = await deps.incidents.get(incidentId);
  if (current && current.status !== to && !canMove(current.status, to))
    return { kind: 'bad_move', from: current.status, to };
  const out = await steer(deps, incidentId, user, (c) =>
    c.status === to || !canMove(c.status, to)
      ? null
      : {
          patch: { status: to, updated: true },
          timeline: [entry(deps, 'status', user, `Status: ${c.status} → ${to}`)],
          audit: audited(c, user, 'incident.status_changed', { from: c.status, to }),
        },
  );
  if (out.kind === 'ok' && out.changed && to === 'closed') await closeLater(deps, out.incident);
  return out;
}

/** Closing: the postmortem draft is uploaded, and the channel archived after the configured time. */
async function closeLater(deps: IncidentDeps, incident: Incident) {
  const archiveAfter = deps.settings.archiveAfterMs;
  await deps.incidents.scheduleSteps(incident.id, [
    { step: 'postmortem', seq: LATER_STEPS.postmortem },
    ...(archiveAfter !== null && incident.mode === 'channel'
      ? [
          {
            step: 'archive',
            seq: LATER_STEPS.archive,
            dueAt: new Date(deps.clock.now().getTime() + archiveAfter),
          },
        ]
      : []),
  ]);
  deps.kick?.();
}

export function setSeverity(
  deps: IncidentDeps,
  incidentId: string,
  user: string,
  severity: Severity,
): Promise<SteerOutcome> {
  return steer(deps, incidentId, user, (c) =>
    c.severity === severity
      ? null
      : {
          patch: { severity, updated: true },
          timeline: [entry(deps, 'severity', user, `Severity: ${c.severity} → ${severity}`)],
          audit: audited(c, user, 'incident.severity_changed', { from: c.severity, to: severity }),
        },
  );
}

export async function assignRole(
  deps: IncidentDeps,
  incidentId: string,
  user: string,
  typedRole: string,
  assignee: string,
): Promise<SteerOutcome> {
  const role = parseRole(typedRole, deps.settings.roles);
  if (!role) return { kind: 'unknown_role', role: typedRole, roles: [LEAD_ROLE, ...deps.settings.roles] };
  const out = await steer(deps, incidentId, user, (c) =>
    c.roles[role] === assignee
      ? null
      : {
          patch: { roles: { [role]: assignee } },
          timeline: [entry(deps, 'role', user, `${role}: <@${assignee}>`)],
          audit: audited(c, user, 'incident.role_assigned', {
            role,
            user: assignee,
            previous: c.roles[role] ?? null,
          }),
        },
  );
  if (out.kind === 'ok' && out.changed && out.incident.mode === 'channel' && out.incident.channelId)
    await deps.chat
      .invite(out.incident.channelId, [assignee])
      .catch((err) =>
        deps.logger.warn({ err, incident: incidentId }, 'could not invite the new role holder'),
      );
  return out;
}

/** A new title; in channel mode the channel is renamed to match (a set-up step, paced like the others). */
export async function renameIncident(
  deps: IncidentDeps,
  incidentId: string,
  user: string,
  title: string,
): Promise<SteerOutcome> {
  const clean = title.trim().slice(0, 200);
  const out = await steer(deps, incidentId, user, (c) =>
    clean === '' || c.title === clean
      ? null
      : {
          patch: { title: clean },
          timeline: [entry(deps, 'renamed', user, `Renamed: ${clean}`)],
          audit: audited(c, user, 'incident.renamed', { from: c.title, to: clean }),
        },
  );
  if (out.kind === 'ok' && out.changed && out.incident.mode === 'channel')
    await refreshLater(deps, out.incident, [{ step: 'rename', seq: LATER_STEPS.refresh - 1 }]);
  return out;
}

/** `/incident note`: anyone in the incident may add one; it counts as an update for the reminder. */
export async function addNote(
  deps: IncidentDeps,
  incident: Incident,
  user: string,
  text: string,
): Promise<void> {
  await deps.incidents.addTimeline(incident.id, [entry(deps, 'note', user, text.slice(0, 3000))], {
    updated: true,
  });
  deps.audit.append({
    actor: user,
    action: 'incident.note_added',
    subject: subjectOf(incident),
    details: { number: incident.number },
  });
}

export async function addFollowUp(
  deps: IncidentDeps,
  incident: Incident,
  user: string,
  text: string,
): Promise<void> {
  await deps.incidents.addFollowUp(incident.id, {
    text: text.slice(0, 1000),
    author: user,
    at: deps.clock.now(),
  });
  deps.audit.append({
    actor: user,
    action: 'incident.followup_added',
    subject: subjectOf(incident),
    details: { number: incident.number },
  });
}
