import { AppError } from '../errors';
import type { AuditEntry, AuditLog, AuditQuery, AuditRecord } from '../ports';
import type { Db, Queryable } from './db';

export interface SqlAuditLogOptions {
  /** Rows per INSERT; a full buffer is written at once instead of waiting for the timer. Default 200. */
  batchSize?: number;
  /** How long an appended row may wait before it is written, and the retry delay after a failure. Default 100. */
  flushIntervalMs?: number;
  /**
   * Most rows kept in memory while the database is unreachable (default 100,000). Past it, new entries are
   * dropped and counted; once the database is back an `audit.dropped` row records how many, so the gap is
   * visible in the trail itself rather than silent, and memory stays bounded.
   */
  maxBuffered?: number;
  /** A batch failed (it stays buffered and is retried) or an entry could not be accepted. */
  onError: (err: unknown) => void;
}

export type SqlAuditLog = AuditLog & {
  /** Flushes what is buffered and stops the timer; append() afterwards is reported through onError. */
  close(): Promise<void>;
  /** Entries accepted but not yet written (mogo_audit_buffered_entries). */
  buffered(): number;
};

/** An entry as written: details already serialised, so later mutation by the caller changes nothing. */
interface PendingRow {
  actor: string;
  action: string;
  subject: string;
  details: string;
}

/**
 * Writes entries in one multi-row INSERT inside the caller's transaction, in order (ids follow the array).
 * Used by the alert store so a state change and the audit rows explaining it commit together.
 */
export async function appendAuditRows(q: Queryable, entries: readonly AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await insertRows(q, entries.map(toRow));
}

async function insertRows(q: Queryable, rows: readonly PendingRow[]): Promise<void> {
  // one jsonb parameter instead of arrays: the same statement on every driver, whatever the batch size; the
  // details are JSON already, spliced in rather than encoded again as strings (a 10,000-alert row is 500 KB)
  const text = (s: string) => wellFormedJson(JSON.stringify(s));
  const json = rows
    .map(
      (r) =>
        `{"actor":${text(r.actor)},"action":${text(r.action)},"subject":${text(r.subject)},"details":${r.details}}`,
    )
    .join(',');
  await q.query(
    `INSERT INTO audit_log (actor, action, subject, details)
     SELECT e->>'actor', e->>'action', e->>'subject', e->'details'
     FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(e, n)
     ORDER BY t.n`,
    [`[${json}]`],
  );
}

/** A lone surrogate, as JSON.stringify escapes it (an escaped backslash before it is left alone). */
const LONE_SURROGATE_ESCAPE = /(?<!\\)((?:\\\\)*)\\u(?:d[89ab][0-9a-f]{2}(?!\\ud[c-f])|d[c-f][0-9a-f]{2})/gi;

/**
 * jsonb refuses a lone surrogate ("\ud800") as it refuses NUL: one such string (a rejected request's field
 * name, a Slack value) would fail its batch and every row queued behind it. It becomes U+FFFD.
 */
function wellFormedJson(json: string): string {
  return json.replace(LONE_SURROGATE_ESCAPE, '$1\\ufffd');
}

/** PostgreSQL rejects NUL in text and jsonb; one such row must not block every row behind it forever. */
const stripNul = (s: string): string => (typeof s === 'string' ? s.replaceAll('\u0000', '\uFFFD') : s);

const isValid = (e: AuditEntry): boolean =>
  [e.actor, e.action, e.subject].every((v) => typeof v === 'string' && v.length > 0);

function toRow(entry: AuditEntry): PendingRow {
  let details: string;
  try {
    details = JSON.stringify(entry.details ?? {}) ?? '{}';
  } catch (err) {
    details = JSON.stringify({ unserializable: String(err) });
  }
  return {
    actor: stripNul(entry.actor),
    action: stripNul(entry.action),
    subject: stripNul(entry.subject),
    details: wellFormedJson(details.replaceAll('\\u0000', '\\ufffd')),
  };
}

const MAX_RETRY_DELAY_MS = 5_000;

/** AuditLog on the audit_log table: buffered appends, batched writes, failed batches kept and retried. */
export function createSqlAuditLog(db: Db, opts: SqlAuditLogOptions): SqlAuditLog {
  const batchSize = Math.max(1, opts.batchSize ?? 200);
  const interval = Math.max(1, opts.flushIntervalMs ?? 100);
  const maxBuffered = Math.max(1, opts.maxBuffered ?? 100_000);
  let buffer: PendingRow[] = [];
  let dropped = 0;
  let timer: NodeJS.Timeout | undefined;
  let draining: Promise<void> | undefined;
  let closed = false;
  let failures = 0;

  function schedule(delayMs: number): void {
    if (timer || closed) return;
    timer = setTimeout(() => {
      timer = undefined;
      drain().catch(() => undefined); // reported in drain
    }, delayMs);
    timer.unref();
  }

  /** One writer at a time, oldest rows first; rows leave the buffer only once their INSERT committed. */
  function drain(): Promise<void> {
    // with nothing to write the body below would finish before `??=` assigns it, leaving `draining` set to a
    // settled promise for good, and every later drain a no-op (a scheduled drain often finds the buffer empty)
    if (!draining && buffer.length === 0) return Promise.resolve();
    draining ??= (async () => {
      try {
        while (buffer.length > 0) {
          const batch = buffer.slice(0, batchSize);
          await insertRows(db, batch);
          buffer = buffer.slice(batch.length);
          failures = 0;
          if (buffer.length === 0 && dropped > 0) {
            buffer.push(
              toRow({
                actor: 'mogo',
                action: 'audit.dropped',
                subject: 'audit_log',
                details: { count: dropped },
              }),
            );
            dropped = 0;
          }
        }
      } catch (err) {
        opts.onError(err);
        failures++;
        schedule(Math.min(interval * 2 ** (failures - 1), MAX_RETRY_DELAY_MS));
        throw err;
      } finally {
        draining = undefined;
      }
    })();
    return draining;
  }

  async function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = undefined;
    // a drain already running picks up rows appended meanwhile; one more pass covers a drain that failed
    if (draining) await draining.catch(() => undefined);
    if (buffer.length > 0) await drain();
  }

  return {
    append(entry) {
      if (closed) {
        opts.onError(
          new AppError('INTERNAL', 'audit log closed: entry not recorded', { details: { ...entry } }),
        );
        return;
      }
      if (!isValid(entry)) {
        // the table would refuse it, and a refused row would block every row queued behind it
        opts.onError(
          new AppError('INTERNAL', 'invalid audit entry: not recorded', { details: { ...entry } }),
        );
        return;
      }
      if (buffer.length >= maxBuffered) {
        dropped++;
        if (dropped === 1 || dropped % 1000 === 0)
          opts.onError(
            new AppError(
              'STORE_UNAVAILABLE',
              `audit buffer full (${maxBuffered} rows waiting for the database): ${dropped} entries dropped so far`,
              { details: { dropped, action: entry.action } },
            ),
          );
        return;
      }
      buffer.push(toRow(entry));
      if (buffer.length >= batchSize && !draining) {
        if (timer) clearTimeout(timer);
        timer = undefined;
        drain().catch(() => undefined);
      } else {
        schedule(interval);
      }
    },

    flush,

    buffered: () => buffer.length,

    async list(query: AuditQuery = {}) {
      const where: string[] = [];
      const params: unknown[] = [];
      for (const column of ['action', 'subject', 'actor'] as const) {
        const value = query[column];
        if (value === undefined) continue;
        params.push(value);
        where.push(`${column} = $${params.length}`);
      }
      params.push(clampLimit(query.limit));
      const { rows } = await db.query<{
        id: string;
        occurred_at: Date;
        actor: string;
        action: string;
        subject: string;
        details: Record<string, unknown>;
      }>(
        `SELECT id::text AS id, occurred_at, actor, action, subject, details FROM audit_log
         ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY audit_log.id DESC LIMIT $${params.length}`,
        params,
      );
      return rows.map(
        (r): AuditRecord => ({
          id: r.id,
          occurredAt: new Date(r.occurred_at),
          actor: r.actor,
          action: r.action,
          subject: r.subject,
          details: r.details,
        }),
      );
    },

    async close() {
      if (closed) return;
      try {
        await flush();
      } finally {
        closed = true;
        if (timer) clearTimeout(timer);
        timer = undefined;
      }
    },
  };
}

function clampLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return 100;
  return Math.min(Math.max(Math.trunc(limit), 1), 1000);
}
