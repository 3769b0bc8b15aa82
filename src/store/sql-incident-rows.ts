import type { Incident } from '../domain/incident';

/** An incident row with its roles and linked groups, as every read of IncidentStore selects it. */
export const SELECT_INCIDENT = `SELECT i.*,
    coalesce((SELECT jsonb_object_agg(r.role, r.user_id) FROM incident_roles r WHERE r.incident_id = i.id),
      '{}'::jsonb) AS roles,
    coalesce((SELECT jsonb_agg(g.group_id ORDER BY g.linked_at, g.group_id) FROM incident_groups g
      WHERE g.incident_id = i.id), '[]'::jsonb) AS group_ids
  FROM incidents i`;

export type Time = Date | string;
export interface Row {
  id: string;
  number: number;
  title: string;
  severity: Incident['severity'];
  status: Incident['status'];
  mode: Incident['mode'];
  channel_id: string | null;
  channel_name: string | null;
  thread_ts: string | null;
  summary_ts: string | null;
  announce_channel: string | null;
  announce_ts: string | null;
  declared_by: string;
  declared_at: Time;
  mitigated_at: Time | null;
  resolved_at: Time | null;
  closed_at: Time | null;
  archived_at: Time | null;
  last_update_at: Time;
  version: number;
  roles: Record<string, string> | string;
  group_ids: string[] | string;
}

export const date = (v: Time): Date => (v instanceof Date ? v : new Date(v));
export const maybe = (v: Time | null): Date | null => (v === null ? null : date(v));
const json = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

export function toIncident(r: Row): Incident {
  return {
    id: r.id,
    number: Number(r.number),
    title: r.title,
    severity: r.severity,
    status: r.status,
    mode: r.mode,
    channelId: r.channel_id,
    channelName: r.channel_name,
    threadTs: r.thread_ts,
    roles: json(r.roles),
    declaredBy: r.declared_by,
    declaredAt: date(r.declared_at),
    mitigatedAt: maybe(r.mitigated_at),
    resolvedAt: maybe(r.resolved_at),
    closedAt: maybe(r.closed_at),
    archivedAt: maybe(r.archived_at),
    summaryTs: r.summary_ts,
    announcement:
      r.announce_channel && r.announce_ts ? { channel: r.announce_channel, ts: r.announce_ts } : null,
    groupIds: json(r.group_ids),
    version: r.version,
  };
}
