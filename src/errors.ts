/**
 * One error type for everything mogo raises on purpose. The `code` is stable (documented in docs/errors.md)
 * so callers, logs and tests match on meaning, never on message text. `retryable` tells queues and HTTP
 * handlers whether trying again can help: Alertmanager retries only 5xx, so a retryable failure must never
 * surface as a 4xx.
 */
export const ErrorCodes = {
  CONFIG_INVALID: { status: 500, retryable: false },
  RULES_INVALID: { status: 500, retryable: false },
  PAYLOAD_INVALID: { status: 400, retryable: false },
  PAYLOAD_TOO_LARGE: { status: 413, retryable: false },
  UNAUTHORIZED: { status: 401, retryable: false },
  STORE_UNAVAILABLE: { status: 503, retryable: true },
  LOCK_UNAVAILABLE: { status: 503, retryable: true },
  NOT_READY: { status: 503, retryable: true },
  SLACK_RATE_LIMITED: { status: 503, retryable: true },
  SLACK_UNAVAILABLE: { status: 503, retryable: true },
  SLACK_CHANNEL_NOT_FOUND: { status: 500, retryable: false },
  SLACK_NOT_IN_CHANNEL: { status: 500, retryable: false },
  SLACK_INVALID_AUTH: { status: 500, retryable: false },
  SLACK_MESSAGE_NOT_FOUND: { status: 500, retryable: false },
  SLACK_MESSAGE_INVALID: { status: 500, retryable: false },
  SLACK_REQUEST_FAILED: { status: 500, retryable: false },
  SLACK_NAME_TAKEN: { status: 409, retryable: false },
  NOT_FOUND: { status: 404, retryable: false },
  ROLLBACK_CONFIG: { status: 500, retryable: false },
  ROLLBACK_REFUSED: { status: 409, retryable: false },
  ROLLBACK_CONFLICT: { status: 409, retryable: false },
  ROLLBACK_BACKEND_UNAVAILABLE: { status: 503, retryable: true },
  ROLLBACK_TIMEOUT: { status: 504, retryable: false },
  ROLLBACK_FAILED: { status: 502, retryable: false },
  ALERTMANAGER_UNAVAILABLE: { status: 503, retryable: true },
  ALERTMANAGER_REJECTED: { status: 502, retryable: false },
  ALERTMANAGER_UNAUTHORIZED: { status: 502, retryable: false },
  INTERNAL: { status: 500, retryable: true },
} as const satisfies Record<string, { status: number; retryable: boolean }>;

export type ErrorCode = keyof typeof ErrorCodes;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly httpStatus: number;
  readonly retryable: boolean;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    opts: { cause?: unknown; details?: Record<string, unknown>; retryable?: boolean } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.httpStatus = ErrorCodes[code].status;
    this.retryable = opts.retryable ?? ErrorCodes[code].retryable;
    this.details = opts.details;
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

/** Wraps anything thrown into an AppError; unknown failures are INTERNAL and retryable (fail towards retry). */
export function asAppError(e: unknown): AppError {
  if (e instanceof AppError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new AppError('INTERNAL', message, { cause: e });
}
