import type { Migration } from './migration';

/** The first tables: the audit log, alert groups and their messages, rollbacks, digests. Append-only: never edit a released migration. */
export const BASE_TABLES: readonly Migration[] = [
  {
    version: 1,
    name: 'audit_log',
    statements: [
      `CREATE TABLE audit_log (
        id bigserial PRIMARY KEY,
        occurred_at timestamptz NOT NULL DEFAULT now(),
        actor text NOT NULL,
        action text NOT NULL,
        subject text NOT NULL,
        details jsonb NOT NULL DEFAULT '{}'
      )`,
      'CREATE INDEX audit_log_action_idx ON audit_log (action, id)',
      'CREATE INDEX audit_log_subject_idx ON audit_log (subject, id)',
      `CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END
      $$`,
      // statement-level, so even an UPDATE or DELETE matching no row is refused
      `CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change()`,
    ],
  },
  {
    version: 2,
    name: 'alert_state',
    statements: [
      `CREATE TABLE alert_groups (
        id text PRIMARY KEY,
        group_key text NOT NULL UNIQUE,
        status text NOT NULL,
        state jsonb NOT NULL,
        version int NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`,
      'CREATE INDEX alert_groups_status_idx ON alert_groups (status, updated_at)',
      `CREATE TABLE group_messages (
        group_id text PRIMARY KEY REFERENCES alert_groups (id),
        channel text,
        ts text,
        rendered_version int,
        claimed_at timestamptz NOT NULL
      )`,
      'CREATE UNIQUE INDEX group_messages_ref_idx ON group_messages (channel, ts) WHERE ts IS NOT NULL',
      // one global sequence, so a re-created job never reuses a seq an old worker may still hold
      'CREATE SEQUENCE render_job_seq',
      `CREATE TABLE render_jobs (
        group_id text PRIMARY KEY REFERENCES alert_groups (id),
        seq bigint NOT NULL,
        attempts int NOT NULL DEFAULT 0,
        due_at timestamptz NOT NULL
      )`,
      'CREATE INDEX render_jobs_due_idx ON render_jobs (due_at)',
    ],
  },
  {
    version: 3,
    name: 'rollbacks',
    statements: [
      `CREATE TABLE rollbacks (
        id text PRIMARY KEY,
        group_id text NOT NULL,
        target text NOT NULL,
        backend text NOT NULL,
        environment text NOT NULL,
        requested_by text NOT NULL,
        approved_by text,
        cancelled_by text,
        state text NOT NULL CHECK (state IN
          ('pending', 'approved', 'running', 'succeeded', 'failed', 'denied', 'expired', 'interrupted')),
        requested_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        expires_at timestamptz,
        started_at timestamptz,
        finished_at timestamptz,
        heartbeat_at timestamptz,
        plan text,
        summary text,
        details jsonb NOT NULL DEFAULT '{}'
      )`,
      // one rollback at a time per target, across double clicks and replicas: the database says who won
      `CREATE UNIQUE INDEX rollbacks_one_active_per_target ON rollbacks (target)
        WHERE state IN ('pending', 'approved', 'running')`,
      'CREATE INDEX rollbacks_group_idx ON rollbacks (group_id, requested_at)',
      'CREATE INDEX rollbacks_state_idx ON rollbacks (state, expires_at)',
    ],
  },
  {
    version: 4,
    name: 'digests',
    statements: [
      // one row per (channel, period): the claim that makes a digest post exactly once across replicas
      `CREATE TABLE digests (
        channel text NOT NULL,
        period_start timestamptz NOT NULL,
        claimed_at timestamptz NOT NULL,
        posted_at timestamptz,
        ts text,
        group_count int,
        PRIMARY KEY (channel, period_start)
      )`,
      // the digest scans digest-only groups by change time
      `CREATE INDEX alert_groups_digest_idx ON alert_groups (updated_at)
        WHERE (state->'routing'->>'notify') = 'false'`,
    ],
  },
];
