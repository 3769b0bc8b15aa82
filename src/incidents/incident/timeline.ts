import type { AlertGroup } from '../../domain/group';
import type { Incident, TimelineEntry } from '../../domain/incident';
import type { AuditRecord } from '../../ports';
import type { IncidentDeps, IncidentRecord } from './deps';

const AUDIT_ROWS_PER_GROUP = 1000;

/**
 * What happened to the linked alert groups, from their audit rows: fired and resolved (only the changes, not
 * every repeat notification), acknowledged, silenced, rollbacks requested and finished. Each keeps the row's own
 * time; the source ref (`audit:<id>`) keeps a row from counting twice if it is ever stored.
 */
export function timelineFromAudit(rows: readonly AuditRecord[]): TimelineEntry[] {
  const sorted = [...rows].sort(
    (a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || Number(a.id) - Number(b.id),
  );
  const lastStatus = new Map<string, unknown>();
  const out: TimelineEntry[] = [];
  for (const r of sorted) {
    const entry = (kind: TimelineEntry['kind'], text: string): void => {
      out.push({ kind, at: r.occurredAt, author: r.actor, text, sourceRef: `audit:${r.id}` });
    };
    const d = r.details;
    const target = typeof d.target === 'string' ? ` of ${d.target}` : '';
    switch (r.action) {
      case 'alert.received': {
        const status = d.groupStatus;
        if (status !== lastStatus.get(r.subject))
          entry(
            'alert',
            status === 'resolved'
              ? `Alert resolved (${r.subject})`
              : `Alert fired: ${String(d.firing ?? '?')} firing (${r.subject})`,
          );
        lastStatus.set(r.subject, status);
        break;
      }
      case 'alert.acknowledged':
        entry('ack', `Alert acknowledged (${r.subject})`);
        break;
      case 'rollback.requested':
      case 'rollback.started':
      case 'rollback.succeeded':
      case 'rollback.failed':
      case 'rollback.interrupted':
        entry('rollback', `Rollback${target} ${r.action.slice('rollback.'.length)}`);
        break;
      default:
        if (r.action.startsWith('silence.'))
          entry(
            'silence',
            `Silence ${r.action.slice('silence.'.length)}${typeof d.matchers === 'string' ? ` (${d.matchers})` : ''}`,
          );
    }
  }
  return out;
}

/** The incident with everything the postmortem and the export need, timeline merged in time order. */
export async function incidentRecord(
  deps: Pick<IncidentDeps, 'incidents' | 'alerts' | 'audit'>,
  incident: Incident,
): Promise<IncidentRecord> {
  // audit rows are written in batches: what was just done (an ack a moment ago) must be in the record
  await deps.audit.flush();
  const [own, followUps, groups, rows] = await Promise.all([
    deps.incidents.timeline(incident.id),
    deps.incidents.followUps(incident.id),
    Promise.all(incident.groupIds.map((id) => deps.alerts.getGroup(id))),
    Promise.all(
      incident.groupIds.map((id) => deps.audit.list({ subject: `group:${id}`, limit: AUDIT_ROWS_PER_GROUP })),
    ),
  ]);
  const recorded = new Set(own.map((e) => e.sourceRef));
  const fromAudit = timelineFromAudit(rows.flat()).filter((e) => !recorded.has(e.sourceRef));
  const timeline = [...own, ...fromAudit].sort((a, b) => a.at.getTime() - b.at.getTime());
  return { incident, groups: groups.filter((g): g is AlertGroup => g !== null), timeline, followUps };
}

/** The first time a linked alert fired and was acknowledged, for the durations. */
export function firstTimes(record: IncidentRecord): { firstAlertAt: Date | null; firstAckAt: Date | null } {
  const first = (kind: TimelineEntry['kind']) => record.timeline.find((e) => e.kind === kind)?.at ?? null;
  const created = record.groups
    .map((g) => new Date(g.createdAt))
    .sort((a, b) => a.getTime() - b.getTime())[0];
  const acked = record.groups
    .map((g) => (g.ack ? new Date(g.ack.at) : null))
    .filter((d): d is Date => d !== null)
    .sort((a, b) => a.getTime() - b.getTime())[0];
  return { firstAlertAt: first('alert') ?? created ?? null, firstAckAt: first('ack') ?? acked ?? null };
}
