import { createHash } from 'node:crypto';
import type { Queryable } from './db';

/**
 * The audit log's hash chain, read back and checked apart from the database's own trigger (migration 6): each
 * row's hash is SHA-256 over the canonical JSON array
 *   [seq, prev_hash, occurred_at (UTC, microseconds), actor, action, subject, details]
 * in PostgreSQL's jsonb text form, and prev_hash is the previous row's hash. A row changed, removed or slipped
 * in breaks the chain at that row; a rewrite of the whole tail is caught against a published head.
 */
export interface ChainRow {
  seq: number;
  id: string;
  prevHash: string | null;
  hash: string;
  /** occurred_at as `YYYY-MM-DDTHH:MM:SS.ffffffZ`, exactly as hashed. */
  at: string;
  actor: string;
  action: string;
  subject: string;
  /** details in jsonb's own text form (keys ordered by jsonb), exactly as hashed. */
  details: string;
}

export interface ChainHead {
  seq: number;
  hash: string;
}

export type VerifyResult =
  | { ok: true; rows: number; head: ChainHead | null }
  | { ok: false; rows: number; seq: number; id: string | null; problem: string };

const SELECT_ROWS = `SELECT seq::text AS seq, id::text AS id, prev_hash, hash,
    to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at,
    actor, action, subject, details::text AS details
  FROM audit_log`;

interface RawRow {
  seq: string;
  id: string;
  prev_hash: string | null;
  hash: string;
  at: string;
  actor: string;
  action: string;
  subject: string;
  details: string;
}

const toChainRow = (r: RawRow): ChainRow => ({
  seq: Number(r.seq),
  id: r.id,
  prevHash: r.prev_hash,
  hash: r.hash,
  at: r.at,
  actor: r.actor,
  action: r.action,
  subject: r.subject,
  details: r.details,
});

/** The canonical form, as jsonb renders the array: strings escaped as JSON, ", " between elements. */
export function canonicalForm(r: Omit<ChainRow, 'id' | 'hash'>): string {
  const parts = [String(r.seq), JSON.stringify(r.prevHash), JSON.stringify(r.at)];
  parts.push(JSON.stringify(r.actor), JSON.stringify(r.action), JSON.stringify(r.subject), r.details);
  return `[${parts.join(', ')}]`;
}

export function hashOf(r: Omit<ChainRow, 'id' | 'hash'>): string {
  return createHash('sha256').update(canonicalForm(r), 'utf8').digest('hex');
}

/** Rows with seq > `after`, in chain order, `limit` at a time. */
export async function readChain(q: Queryable, after: number, limit: number): Promise<ChainRow[]> {
  const { rows } = await q.query<RawRow>(
    `${SELECT_ROWS} WHERE audit_log.seq > $1 ORDER BY audit_log.seq LIMIT $2`,
    [after, limit],
  );
  return rows.map(toChainRow);
}

/** Rows that occurred at or after `since`, in chain order (for export). */
export async function* chainSince(q: Queryable, since: Date, pageSize = 1000): AsyncGenerator<ChainRow> {
  const { rows } = await q.query<{ seq: string | null }>(
    'SELECT min(seq)::text AS seq FROM audit_log WHERE occurred_at >= $1',
    [since.toISOString()],
  );
  if (rows[0]?.seq == null) return;
  let after = Number(rows[0].seq) - 1;
  for (;;) {
    const page = await readChain(q, after, pageSize);
    for (const r of page) yield r;
    if (page.length < pageSize) return;
    after = page.at(-1)!.seq;
  }
}

export async function chainHead(q: Queryable): Promise<ChainHead | null> {
  const { rows } = await q.query<{ seq: string; hash: string }>(
    'SELECT seq::text AS seq, hash FROM audit_log ORDER BY audit_log.seq DESC LIMIT 1',
  );
  return rows[0] ? { seq: Number(rows[0].seq), hash: rows[0].hash } : null;
}

/**
 * Walks the whole chain from its first row and names the first row that is missing (a gap in seq), altered
 * (its hash is not that of its content), unlinked (prev_hash is not the previous row's hash) or back-dated.
 * `expectHead`: a head published earlier; the chain must still contain it unchanged.
 */
export async function verifyChain(
  q: Queryable,
  opts: { pageSize?: number; expectHead?: ChainHead } = {},
): Promise<VerifyResult> {
  const pageSize = opts.pageSize ?? 1000;
  let prev: ChainRow | null = null;
  let count = 0;
  const fail = (r: ChainRow | null, seq: number, problem: string): VerifyResult => ({
    ok: false,
    rows: count,
    seq,
    id: r?.id ?? null,
    problem,
  });
  for (;;) {
    const page = await readChain(q, prev?.seq ?? 0, pageSize);
    for (const r of page) {
      const expected = (prev?.seq ?? 0) + 1;
      if (r.seq !== expected)
        return fail(null, expected, `row ${expected} is missing (the next row is ${r.seq})`);
      if (r.prevHash !== (prev?.hash ?? null))
        return fail(r, r.seq, "prev_hash is not the previous row's hash (a row was removed or replaced)");
      if (hashOf(r) !== r.hash) return fail(r, r.seq, 'hash does not match the row (the row was changed)');
      if (prev && r.at < prev.at) return fail(r, r.seq, `occurred_at ${r.at} is before the previous row's`);
      if (opts.expectHead?.seq === r.seq && opts.expectHead.hash !== r.hash)
        return fail(r, r.seq, 'hash differs from the published head (history was rewritten)');
      prev = r;
      count++;
    }
    if (page.length < pageSize) break;
  }
  if (opts.expectHead && (prev?.seq ?? 0) < opts.expectHead.seq)
    return fail(
      null,
      (prev?.seq ?? 0) + 1,
      `the chain ends before the published head ${opts.expectHead.seq}`,
    );
  return { ok: true, rows: count, head: prev ? { seq: prev.seq, hash: prev.hash } : null };
}
