import type { Migration } from './migration';

/** The priority outbox and roll-ups (5); the audit log becomes a hash chain (6). Append-only: never edit a released migration. */
export const OUTBOX_AND_AUDIT_CHAIN: readonly Migration[] = [
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
];
