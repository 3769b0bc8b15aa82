import { parseArgs } from 'node:util';
import { type ChainHead, type ChainRow, chainSince, verifyChain } from '../store/audit-chain';
import type { Queryable } from '../store/db';
import type { Output } from './rules-test';

export const AUDIT_USAGE = `  audit verify [--head <seq>:<hash>]
                        walk the audit log's hash chain; exit 1 naming the first missing, changed or unlinked
                        row. --head: a head published earlier (log line "audit chain head"); it must still match
  audit export --since <time> [--format csv|jsonl]
                        print the audit rows since an RFC 3339 time, with seq, prev_hash and hash (default jsonl)
`;

/** `mogo audit verify`: 0 when the chain is whole, 1 naming the first broken or missing row, 2 on bad usage. */
export async function auditVerify(db: Queryable, args: string[], io: Output): Promise<number> {
  let expectHead: ChainHead | undefined;
  try {
    const { values } = parseArgs({ args, options: { head: { type: 'string' } }, strict: true });
    if (values.head !== undefined) {
      const m = /^(\d+):([0-9a-f]{64})$/.exec(values.head);
      if (!m) throw new Error('--head must be <seq>:<sha256 hex>, as in the "audit chain head" log line');
      expectHead = { seq: Number(m[1]), hash: m[2]! };
    }
  } catch (e) {
    io.err(`mogo audit verify: ${(e as Error).message}\n`);
    return 2;
  }
  const r = await verifyChain(db, expectHead ? { expectHead } : {});
  if (!r.ok) {
    const id = r.id === null ? '' : ` (id ${r.id})`;
    io.out(`audit chain BROKEN at row ${r.seq}${id}: ${r.problem}; ${r.rows} rows before it are intact\n`);
    return 1;
  }
  io.out(
    r.head
      ? `audit chain ok: ${r.rows} rows, head ${r.head.seq}:${r.head.hash}\n`
      : 'audit chain ok: no rows yet\n',
  );
  return 0;
}

/** `mogo audit export`: the rows since a time, as JSON lines or CSV, with their place in the chain. */
export async function auditExport(db: Queryable, args: string[], io: Output): Promise<number> {
  let since: Date;
  let format: 'csv' | 'jsonl';
  try {
    const { values } = parseArgs({
      args,
      options: { since: { type: 'string' }, format: { type: 'string', default: 'jsonl' } },
      strict: true,
    });
    if (values.since === undefined) throw new Error('--since <RFC 3339 time> is required');
    since = new Date(values.since);
    if (Number.isNaN(since.getTime()))
      throw new Error(`--since ${JSON.stringify(values.since)} is not a time`);
    if (values.format !== 'csv' && values.format !== 'jsonl')
      throw new Error('--format must be csv or jsonl');
    format = values.format;
  } catch (e) {
    io.err(`mogo audit export: ${(e as Error).message}\n`);
    return 2;
  }
  if (format === 'csv') io.out(`${COLUMNS.join(',')}\n`);
  for await (const row of chainSince(db, since))
    io.out(`${format === 'csv' ? csvLine(row) : jsonLine(row)}\n`);
  return 0;
}

const COLUMNS = ['seq', 'id', 'occurred_at', 'actor', 'action', 'subject', 'details', 'prev_hash', 'hash'];

const fields = (r: ChainRow) => [
  String(r.seq),
  r.id,
  r.at,
  r.actor,
  r.action,
  r.subject,
  r.details,
  r.prevHash ?? '',
  r.hash,
];

function jsonLine(r: ChainRow): string {
  const [seq, id, at, actor, action, subject, , prev, hash] = fields(r);
  return JSON.stringify({
    seq: Number(seq),
    id,
    occurred_at: at,
    actor,
    action,
    subject,
    details: JSON.parse(r.details),
    prev_hash: prev || null,
    hash,
  });
}

/** RFC 4180: every field quoted, quotes doubled; a leading = + - @ is prefixed with ' so spreadsheets show text. */
function csvLine(r: ChainRow): string {
  return fields(r)
    .map((f) => `"${(/^[=+\-@]/.test(f) ? `'${f}` : f).replace(/"/g, '""')}"`)
    .join(',');
}
