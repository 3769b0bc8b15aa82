import type { Migration } from './migration';

/** Silences made from Slack and the poller's lease (7); escalation steps and report jobs (8). Append-only: never edit a released migration. */
export const SILENCES_AND_ONCALL: readonly Migration[] = [
  {
    version: 7,
    name: 'console_silences',
    statements: [
      // silences mogo made in Alertmanager (which holds the silence itself); the poller reads the active ones
      `CREATE TABLE silences (
        id text PRIMARY KEY,
        group_id text NOT NULL,
        scope text NOT NULL,
        fingerprint text,
        matchers jsonb NOT NULL,
        created_by text NOT NULL,
        created_by_name text NOT NULL,
        comment text NOT NULL,
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL,
        state text NOT NULL DEFAULT 'active',
        ended_at timestamptz,
        ended_by text,
        checked_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`,
      'CREATE INDEX silences_group_idx ON silences (group_id, created_at)',
      "CREATE INDEX silences_active_idx ON silences (checked_at NULLS FIRST) WHERE state = 'active'",
      // background work one replica at a time (the silence poller); see src/ports/leases.ts
      `CREATE TABLE poller_leases (
        name text PRIMARY KEY,
        holder text NOT NULL,
        expires_at timestamptz NOT NULL
      )`,
    ],
  },
  {
    version: 8,
    name: 'escalation_and_report_jobs',
    statements: [
      // one row per escalation step taken: the claim that tells a step once across replicas and restarts
      `CREATE TABLE escalation_steps (
        group_id text NOT NULL,
        step text NOT NULL,
        claimed_at timestamptz NOT NULL,
        PRIMARY KEY (group_id, step)
      )`,
      // reports built off the request path: leased by one worker at a time, retried when a worker dies
      `CREATE TABLE report_jobs (
        id bigserial PRIMARY KEY,
        requested_by text NOT NULL,
        deliver_to text NOT NULL,
        period_start timestamptz NOT NULL,
        period_end timestamptz NOT NULL,
        state text NOT NULL DEFAULT 'queued',
        attempts int NOT NULL DEFAULT 0,
        due_at timestamptz NOT NULL,
        leased_until timestamptz,
        requested_at timestamptz NOT NULL,
        finished_at timestamptz,
        error text,
        dedup_key text UNIQUE
      )`,
      `CREATE INDEX report_jobs_due_idx ON report_jobs (due_at) WHERE state IN ('queued', 'running')`,
    ],
  },
];
