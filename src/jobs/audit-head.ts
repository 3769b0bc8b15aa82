import { Gauge, type Registry } from 'prom-client';
import type { Logger } from '../logger';
import { chainHead } from '../store/audit-chain';
import type { Queryable } from '../store/db';

export interface AuditHeadPublisher {
  /** Reads and publishes the head now (also done on the interval). */
  publish(): Promise<void>;
  stop(): void;
}

/**
 * Publishes the audit chain's head (seq and hash) at intervals, outside the database: a log line carrying the
 * hash and a gauge carrying only the seq (a hash as a label would make a new series every row). Whoever keeps
 * those lines can later run `mogo audit verify --head <seq>:<hash>` and see whether history was rewritten.
 */
export function publishAuditHead(
  db: Queryable,
  logger: Logger,
  registry: Registry,
  intervalMs = 60_000,
): AuditHeadPublisher {
  const log = logger.child({ module: 'audit-chain' });
  const gauge = new Gauge({
    name: 'mogo_audit_chain_head_seq',
    help: 'Sequence number of the newest row in the audit hash chain (its hash is in the "audit chain head" log line)',
    registers: [registry],
  });
  let last = -1;
  const publish = async () => {
    try {
      const head = await chainHead(db);
      if (!head) return;
      gauge.set(head.seq);
      if (head.seq === last) return;
      last = head.seq;
      log.info({ seq: head.seq, hash: head.hash }, `audit chain head ${head.seq}:${head.hash}`);
    } catch (err) {
      log.warn({ err }, 'could not read the audit chain head; trying again later');
    }
  };
  const timer = setInterval(() => void publish(), intervalMs);
  timer.unref();
  return { publish, stop: () => clearInterval(timer) };
}
