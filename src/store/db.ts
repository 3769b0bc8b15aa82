import { AppError } from '../errors';

/** Anything that runs one SQL statement: the database itself or an open transaction. */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<{ rows: T[] }>;
}

/**
 * The only database surface the stores use, so the same SQL runs on real PostgreSQL (pg.Pool) and on the
 * embedded PGlite. Connection-level failures surface as AppError('STORE_UNAVAILABLE') (retryable, 503);
 * statement errors (constraint violations, bad SQL) keep their SQLSTATE `code` so stores can react to them.
 */
export interface Db extends Queryable {
  /**
   * Runs `fn` in one transaction: COMMIT if it resolves, ROLLBACK if it throws. Statements inside must use
   * the `q` passed in; calling db.query or db.tx from inside would run outside the transaction (and on the
   * single-connection embedded driver, wait forever). Transactions do not nest.
   */
  tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** SQLSTATEs after which retrying (later, or on another connection) can succeed. */
const TRANSIENT_SQLSTATES = new Set([
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, in recovery)
  '57014', // query_canceled (statement_timeout)
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '25006', // read_only_sql_transaction: connected to a standby during failover
]);
const TRANSIENT_SQLSTATE_CLASSES = ['08', '53']; // connection exception, insufficient resources (53300 ...)
const NETWORK_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
const UNAVAILABLE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|connection error and is not queryable|Cannot use a pool after calling end|PGlite is clos(ed|ing)/i;

/** The SQLSTATE (or Node errno code) of a driver error, if any. */
export function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function isUniqueViolation(err: unknown): boolean {
  return errorCode(err) === '23505';
}

export function isUnavailableError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const code = errorCode(err);
  if (code !== undefined) {
    if (TRANSIENT_SQLSTATES.has(code) || NETWORK_ERRNOS.has(code)) return true;
    if (code.length === 5 && TRANSIENT_SQLSTATE_CLASSES.includes(code.slice(0, 2))) return true;
  }
  // Node's happy-eyeballs connect reports one AggregateError for all addresses tried
  const { errors, message } = err as { errors?: unknown; message?: unknown };
  if (Array.isArray(errors) && errors.some(isUnavailableError)) return true;
  return typeof message === 'string' && UNAVAILABLE_MESSAGES.test(message);
}

/** Maps connection-level failures to STORE_UNAVAILABLE; everything else is returned unchanged. */
export function toStoreError(err: unknown): unknown {
  if (err instanceof AppError || !isUnavailableError(err)) return err;
  const code = errorCode(err);
  return new AppError('STORE_UNAVAILABLE', `database unavailable: ${String((err as Error).message)}`, {
    cause: err,
    ...(code === undefined ? {} : { details: { code } }),
  });
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Schema names go into SQL and connection options unquoted-safe only if they are plain identifiers. */
export function assertSchemaName(schema: string): void {
  if (!SCHEMA_NAME.test(schema)) {
    throw new AppError('CONFIG_INVALID', `invalid database schema name "${schema}": use [a-z_][a-z0-9_]*`);
  }
}

/** Serialises async work on one resource: each call starts after the previous one settled. */
export function createMutex(): <T>(fn: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn, fn);
    tail = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  };
}
