import type { Db, Queryable } from './db';

/** One schema change. Statements run in order in one transaction; each is a single SQL statement. */
export interface Migration {
  version: number;
  name: string;
  statements: string[];
}

/**
 * Append-only: never edit a released migration, add a new one. Everything is created in the connection's
 * current schema (search_path), which is how tests and shared databases isolate themselves.
 */
export const MIGRATIONS: readonly Migration[] = [
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
  {
    version: 5,
    name: 'priority_outbox_and_rollups',
    statements: [
      // the render queue becomes an outbox of groups and roll-ups, handed out by priority, leased per target
      `CREATE TABLE outbox (
        key text PRIMARY KEY,
        priority smallint NOT NULL,
        first_post boolean NOT NULL,
        channel text NOT NULL,
        seq bigint NOT NULL,
        attempts int NOT NULL DEFAULT 0,
        due_at timestamptz NOT NULL,
        leased_until timestamptz,
        leased_seq bigint,
        queued_at timestamptz NOT NULL DEFAULT now()
      )`,
      'CREATE INDEX outbox_due_idx ON outbox (due_at)',
      'CREATE INDEX outbox_first_post_idx ON outbox (channel) WHERE first_post',
      `INSERT INTO outbox (key, priority, first_post, channel, seq, attempts, due_at)
        SELECT 'group:' || j.group_id,
          coalesce(nullif(substr(g.state->'routing'->>'priority', 2), '')::smallint, 3),
          NOT EXISTS (SELECT 1 FROM group_messages m WHERE m.group_id = j.group_id AND m.ts IS NOT NULL),
          coalesce(g.state->'routing'->>'channel', ''), j.seq, j.attempts, j.due_at
        FROM render_jobs j JOIN alert_groups g ON g.id = j.group_id`,
      'DROP TABLE render_jobs',
      `CREATE TABLE rollups (
        id text PRIMARY KEY,
        channel text NOT NULL,
        slack_channel text,
        ts text,
        opened_at timestamptz NOT NULL,
        last_joined_at timestamptz NOT NULL,
        closed_at timestamptz,
        version int NOT NULL DEFAULT 1,
        rendered_version int NOT NULL DEFAULT 0
      )`,
      // one open roll-up per channel, across replicas
      'CREATE UNIQUE INDEX rollups_one_open_per_channel ON rollups (channel) WHERE closed_at IS NULL',
      'ALTER TABLE group_messages ADD COLUMN rollup_id text REFERENCES rollups (id)',
      'CREATE INDEX group_messages_rollup_idx ON group_messages (rollup_id) WHERE rollup_id IS NOT NULL',
    ],
  },
  {
    version: 6,
    name: 'audit_hash_chain',
    statements: [
      'ALTER TABLE audit_log ADD COLUMN seq bigint, ADD COLUMN prev_hash text, ADD COLUMN hash text',
      // the canonical form is documented in docs/audit.md; src/store/audit-chain.ts recomputes it apart from this
      `CREATE FUNCTION audit_log_hash(seq bigint, prev_hash text, occurred_at timestamptz, actor text,
          action text, subject text, details jsonb) RETURNS text LANGUAGE sql STABLE AS $$
        SELECT encode(sha256(convert_to(jsonb_build_array(seq, prev_hash,
          to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
          actor, action, subject, details)::text, 'UTF8')), 'hex')
      $$`,
      // one chain order across replicas and batches: each row takes the transaction's advisory lock (held to
      // commit), then links to the current head; the time is the database's, taken under the lock, never older
      // than the head's, so a row can neither be back-dated nor slipped in between
      `CREATE FUNCTION audit_log_chain() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE head record;
      BEGIN
        PERFORM pg_advisory_xact_lock(${0x6d6f676f}, hashtext('audit_log:' || current_schema()));
        SELECT a.seq, a.hash, a.occurred_at INTO head FROM audit_log a WHERE a.seq IS NOT NULL
          ORDER BY a.seq DESC LIMIT 1;
        NEW.seq := coalesce(head.seq, 0) + 1;
        NEW.prev_hash := head.hash;
        NEW.occurred_at := greatest(clock_timestamp(), head.occurred_at);
        NEW.hash := audit_log_hash(NEW.seq, NEW.prev_hash, NEW.occurred_at, NEW.actor, NEW.action,
          NEW.subject, NEW.details);
        RETURN NEW;
      END
      $$`,
      // rows written before this version join the chain in id order
      'ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only',
      `DO $$
      DECLARE r record; prev text := NULL; n bigint := 0;
      BEGIN
        FOR r IN SELECT id, occurred_at, actor, action, subject, details FROM audit_log ORDER BY id LOOP
          n := n + 1;
          UPDATE audit_log SET seq = n, prev_hash = prev,
            hash = audit_log_hash(n, prev, r.occurred_at, r.actor, r.action, r.subject, r.details)
            WHERE id = r.id RETURNING hash INTO prev;
        END LOOP;
      END
      $$`,
      'ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only',
      'ALTER TABLE audit_log ALTER COLUMN seq SET NOT NULL, ALTER COLUMN hash SET NOT NULL',
      'CREATE UNIQUE INDEX audit_log_seq_idx ON audit_log (seq)',
      `CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_chain()`,
    ],
  },
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
  {
    version: 9,
    name: 'group_alerts',
    statements: [
      // a group's alerts one row each, so no row is megabytes (issue 8); no foreign key, so tests may still
      // TRUNCATE alert_groups alone: the store clears a group's rows when it creates the group
      `CREATE TABLE group_alerts (
        group_id text NOT NULL,
        fingerprint text NOT NULL,
        pos int NOT NULL,
        firing boolean NOT NULL,
        alert jsonb NOT NULL,
        PRIMARY KEY (group_id, fingerprint)
      )`,
      // display order: firing first, then the group's own
      'CREATE INDEX group_alerts_shown_idx ON group_alerts (group_id, firing DESC, pos)',
      `INSERT INTO group_alerts (group_id, fingerprint, pos, firing, alert)
        SELECT g.id, a.alert->>'fingerprint', a.pos - 1, a.alert->>'status' = 'firing', a.alert
        FROM alert_groups g CROSS JOIN LATERAL jsonb_array_elements(g.state->'alerts') WITH ORDINALITY AS a(alert, pos)
        ON CONFLICT DO NOTHING`,
      // the row keeps what the alerts come to (domain/group.ts AlertsSummary), as summarySteps computes it
      `UPDATE alert_groups g SET state = jsonb_set(g.state, '{alerts}', '[]'::jsonb) || jsonb_build_object(
          'allAlerts', jsonb_build_object(
            'count', s.n,
            'firing', s.firing,
            'labels', (SELECT coalesce(jsonb_object_agg(c.key, c.value), '{}'::jsonb) FROM (
              SELECT l.key, l.value FROM group_alerts a CROSS JOIN LATERAL jsonb_each(a.alert->'labels') l
              WHERE a.group_id = g.id GROUP BY l.key, l.value HAVING count(*) = s.n) c),
            'annotations', (SELECT coalesce(jsonb_object_agg(c.key, c.value), '{}'::jsonb) FROM (
              SELECT l.key, l.value FROM group_alerts a CROSS JOIN LATERAL jsonb_each(a.alert->'annotations') l
              WHERE a.group_id = g.id GROUP BY l.key, l.value HAVING count(*) = s.n) c),
            'generatorURL', (SELECT CASE WHEN count(DISTINCT u.url) = 1 THEN to_jsonb(min(u.url)) ELSE 'null'::jsonb END
              FROM (SELECT a.alert->>'generatorURL' AS url FROM group_alerts a WHERE a.group_id = g.id) u
              WHERE u.url <> ''),
            'first', coalesce((SELECT jsonb_strip_nulls(jsonb_build_object(
                'alertname', a.alert->'labels'->'alertname', 'summary', a.alert->'annotations'->'summary'))
              FROM group_alerts a WHERE a.group_id = g.id ORDER BY a.pos LIMIT 1), '{}'::jsonb)))
        FROM (SELECT g2.id, count(a.group_id) AS n, count(*) FILTER (WHERE a.firing) AS firing
          FROM alert_groups g2 LEFT JOIN group_alerts a ON a.group_id = g2.id GROUP BY g2.id) s
        WHERE s.id = g.id`,
    ],
  },
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

/** Arbitrary constant namespacing mogo's advisory locks; the second key is the schema, so schemas don't wait. */
const MIGRATION_LOCK = 0x6d6f676f; // "mogo"

async function lockMigrations(q: Queryable): Promise<void> {
  await q.query('SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))', [MIGRATION_LOCK]);
}

/**
 * Applies every migration not yet recorded in schema_migrations, each in its own transaction under a
 * transaction-scoped advisory lock, so replicas starting together apply each one exactly once.
 * Returns the versions applied by this call.
 */
export async function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  await db.tx(async (q) => {
    await lockMigrations(q);
    const { rows } = await q.query<{ t: string | null }>(
      `SELECT to_regclass('schema_migrations')::text AS t`,
    );
    if (rows[0]?.t == null) {
      await q.query(`CREATE TABLE schema_migrations (
        version int PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
    }
  });

  const applied: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    const done = await db.tx(async (q) => {
      await lockMigrations(q);
      const { rows } = await q.query('SELECT 1 FROM schema_migrations WHERE version = $1', [m.version]);
      if (rows.length > 0) return false;
      for (const sql of m.statements) await q.query(sql);
      await q.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      return true;
    });
    if (done) applied.push(m.version);
  }
  return applied;
}
