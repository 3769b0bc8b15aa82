import type { Migration } from './migration';

/** Incidents, their groups, roles, timeline, follow-ups and set-up steps (10). Append-only: never edit a released migration. */
export const INCIDENTS: readonly Migration[] = [
  {
    version: 10,
    name: 'incidents',
    statements: [
      'CREATE SEQUENCE incident_number_seq',
      `CREATE TABLE incidents (
        id text PRIMARY KEY,
        number int NOT NULL UNIQUE,
        title text NOT NULL,
        severity text NOT NULL CHECK (severity IN ('SEV1', 'SEV2', 'SEV3', 'SEV4')),
        status text NOT NULL CHECK (status IN ('investigating', 'identified', 'monitoring', 'resolved', 'closed')),
        mode text NOT NULL CHECK (mode IN ('channel', 'thread')),
        private boolean NOT NULL DEFAULT false,
        channel_id text,
        channel_name text,
        thread_ts text,
        summary_ts text,
        announce_channel text,
        announce_ts text,
        declared_by text NOT NULL,
        declared_at timestamptz NOT NULL,
        mitigated_at timestamptz,
        resolved_at timestamptz,
        closed_at timestamptz,
        archived_at timestamptz,
        last_update_at timestamptz NOT NULL,
        version int NOT NULL DEFAULT 1
      )`,
      // one incident per channel, and per alert thread in thread mode
      `CREATE UNIQUE INDEX incidents_channel_idx ON incidents (channel_id, coalesce(thread_ts, ''))
        WHERE channel_id IS NOT NULL`,
      'CREATE INDEX incidents_open_idx ON incidents (status) WHERE closed_at IS NULL',
      `CREATE TABLE incident_groups (
        incident_id text NOT NULL REFERENCES incidents (id),
        group_id text NOT NULL,
        linked_by text NOT NULL,
        linked_at timestamptz NOT NULL,
        PRIMARY KEY (incident_id, group_id)
      )`,
      'CREATE INDEX incident_groups_group_idx ON incident_groups (group_id)',
      `CREATE TABLE incident_roles (
        incident_id text NOT NULL REFERENCES incidents (id),
        role text NOT NULL,
        user_id text NOT NULL,
        assigned_at timestamptz NOT NULL,
        PRIMARY KEY (incident_id, role)
      )`,
      `CREATE TABLE incident_timeline (
        id bigserial PRIMARY KEY,
        incident_id text NOT NULL REFERENCES incidents (id),
        kind text NOT NULL,
        at timestamptz NOT NULL,
        author text,
        text text NOT NULL,
        source_ref text,
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`,
      // a reaction (or an audit row) recorded twice is one entry; entries without a source are never merged
      'CREATE UNIQUE INDEX incident_timeline_source_idx ON incident_timeline (incident_id, source_ref)',
      'CREATE INDEX incident_timeline_at_idx ON incident_timeline (incident_id, at, id)',
      `CREATE TABLE incident_followups (
        id bigserial PRIMARY KEY,
        incident_id text NOT NULL REFERENCES incidents (id),
        text text NOT NULL,
        author text NOT NULL,
        at timestamptz NOT NULL
      )`,
      `CREATE TABLE incident_steps (
        incident_id text NOT NULL REFERENCES incidents (id),
        step text NOT NULL,
        seq int NOT NULL,
        due_at timestamptz NOT NULL,
        leased_until timestamptz,
        attempts int NOT NULL DEFAULT 0,
        result jsonb NOT NULL DEFAULT '{}',
        last_error text,
        done_at timestamptz,
        PRIMARY KEY (incident_id, step)
      )`,
      'CREATE INDEX incident_steps_due_idx ON incident_steps (due_at) WHERE done_at IS NULL',
    ],
  },
];
