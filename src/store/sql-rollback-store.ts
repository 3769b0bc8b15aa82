import {
  ACTIVE_ROLLBACK_STATES,
  FINAL_ROLLBACK_STATES,
  LIVE_ROLLBACK_STATES,
  type RollbackState,
  sqlStateList,
} from '../domain/rollback';
import { AppError } from '../errors';
import type {
  AuditEntry,
  Clock,
  CreateRollbackResult,
  NewRollback,
  RollbackPatch,
  RollbackRecord,
  RollbackStore,
} from '../ports';
import { type Db, isUniqueViolation, type Queryable } from './db';
import { touchGroup } from './sql-alert-store';

/** `now` for every statement: the injected clock when given (tests), else the database's clock ($1 null). */
const NOW = 'coalesce($1::timestamptz, now())';
/** The same list as the rollbacks_one_active_per_target index predicate (migration 3; a test keeps them equal). */
const ACTIVE = sqlStateList(ACTIVE_ROLLBACK_STATES);
const LIVE = sqlStateList(LIVE_ROLLBACK_STATES);

interface Row {
  id: string;
  group_id: string;
  target: string;
  backend: string;
  environment: string;
  requested_by: string;
  approved_by: string | null;
  cancelled_by: string | null;
  state: RollbackState;
  requested_at: Date | string;
  updated_at: Date | string;
  expires_at: Date | string | null;
  started_at: Date | string | null;
  finished_at: Date | string | null;
  heartbeat_at: Date | string | null;
  plan: string | null;
  summary: string | null;
  details: Record<string, unknown> | string;
}

const date = (v: Date | string): Date => (v instanceof Date ? v : new Date(v));
const maybeDate = (v: Date | string | null): Date | null => (v === null ? null : date(v));

function toRecord(r: Row): RollbackRecord {
  return {
    id: r.id,
    groupId: r.group_id,
    target: r.target,
    backend: r.backend,
    environment: r.environment,
    requestedBy: r.requested_by,
    approvedBy: r.approved_by,
    cancelledBy: r.cancelled_by,
    state: r.state,
    requestedAt: date(r.requested_at),
    updatedAt: date(r.updated_at),
    expiresAt: maybeDate(r.expires_at),
    startedAt: maybeDate(r.started_at),
    finishedAt: maybeDate(r.finished_at),
    heartbeatAt: maybeDate(r.heartbeat_at),
    plan: r.plan,
    summary: r.summary,
    details: typeof r.details === 'string' ? JSON.parse(r.details) : r.details,
  };
}

/**
 * RollbackStore on plain SQL, identical on PostgreSQL and PGlite. The partial unique index
 * rollbacks_one_active_per_target is what makes "one rollback at a time per target" hold across replicas;
 * every write also bumps the alert group and queues its render in the same transaction.
 */
export function createSqlRollbackStore(db: Db, clock?: Clock): RollbackStore {
  const now = (): string | null => clock?.now().toISOString() ?? null;

  const one = async (sql: string, params: unknown[], q: Queryable = db) => {
    const { rows } = await q.query<Row>(sql, params);
    return rows[0] ? toRecord(rows[0]) : null;
  };

  const get = (id: string) => one('SELECT * FROM rollbacks WHERE id = $1', [id]);
  const activeFor = (target: string) =>
    one(`SELECT * FROM rollbacks WHERE target = $1 AND state IN ${ACTIVE}`, [target]);

  async function create(req: NewRollback, audit: AuditEntry[], attempt = 0): Promise<CreateRollbackResult> {
    try {
      const record = await db.tx(async (q) => {
        const created = await one(
          `INSERT INTO rollbacks (id, group_id, target, backend, environment, requested_by, state,
               requested_at, updated_at, expires_at, plan)
             VALUES ($2, $3, $4, $5, $6, $7, $8, ${NOW}, ${NOW}, $9::timestamptz, $10)
             ON CONFLICT (id) DO NOTHING RETURNING *`,
          [
            now(),
            req.id,
            req.groupId,
            req.target,
            req.backend,
            req.environment,
            req.requestedBy,
            req.state,
            req.expiresAt?.toISOString() ?? null,
            req.plan,
          ],
          q,
        );
        if (!created) return null; // the same request id again: a double submit
        await touchGroup(q, req.groupId, now(), audit);
        return created;
      });
      if (record) return { created: true, record };
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
    // Lost to another request for the target, or this id was already recorded: report who holds it.
    const holder = (await activeFor(req.target)) ?? (await get(req.id));
    if (holder) return { created: false, active: holder };
    if (attempt >= 2)
      throw new AppError('ROLLBACK_CONFLICT', `rollback target ${req.target} keeps changing hands`);
    // The holder finished between our insert and this read: the target is free now, try again.
    return create(req, audit, attempt + 1);
  }

  return {
    create: (req, audit) => create(req, audit),

    async transition(id, from, to, patch: RollbackPatch, audit) {
      return db.tx(async (q) => {
        const record = await one(
          `UPDATE rollbacks SET
             state = $3,
             updated_at = ${NOW},
             approved_by = coalesce($4, approved_by),
             cancelled_by = coalesce($5, cancelled_by),
             summary = coalesce($6, summary),
             details = CASE WHEN $7::jsonb IS NULL THEN details ELSE details || $7::jsonb END,
             started_at = CASE WHEN $3 = 'running' THEN ${NOW} ELSE started_at END,
             heartbeat_at = CASE WHEN $3 IN ${LIVE} THEN ${NOW} ELSE heartbeat_at END,
             finished_at = CASE WHEN $3 = ANY($8::text[]) THEN ${NOW} ELSE finished_at END
           WHERE id = $2 AND state = ANY($9::text[])
           RETURNING *`,
          [
            now(),
            id,
            to,
            patch.approvedBy ?? null,
            patch.cancelledBy ?? null,
            patch.summary ?? null,
            patch.details === undefined ? null : JSON.stringify(patch.details),
            FINAL_ROLLBACK_STATES,
            from,
          ],
          q,
        );
        if (!record) return null;
        await touchGroup(q, record.groupId, now(), audit);
        return record;
      });
    },

    async heartbeat(id) {
      await db.query(`UPDATE rollbacks SET heartbeat_at = ${NOW} WHERE id = $2 AND state = 'running'`, [
        now(),
        id,
      ]);
    },

    get,
    activeFor,

    latestForGroup(groupId) {
      return one('SELECT * FROM rollbacks WHERE group_id = $1 ORDER BY requested_at DESC, id DESC LIMIT 1', [
        groupId,
      ]);
    },

    async listRecent(limit) {
      const { rows } = await db.query<Row>(
        `SELECT * FROM rollbacks ORDER BY (state IN ${ACTIVE}) DESC, requested_at DESC, id LIMIT $1`,
        [limit],
      );
      return rows.map(toRecord);
    },

    async listExpired(limit = 100) {
      const { rows } = await db.query<Row>(
        `SELECT * FROM rollbacks WHERE state = 'pending' AND expires_at <= ${NOW}
         ORDER BY expires_at, id LIMIT $2`,
        [now(), limit],
      );
      return rows.map(toRecord);
    },

    async listStale(staleMs, limit = 100) {
      const { rows } = await db.query<Row>(
        `SELECT * FROM rollbacks WHERE state IN ${LIVE}
           AND coalesce(heartbeat_at, updated_at) <= ${NOW} - $2::float8 * interval '1 millisecond'
         ORDER BY requested_at, id LIMIT $3`,
        [now(), staleMs, limit],
      );
      return rows.map(toRecord);
    },
  };
}
