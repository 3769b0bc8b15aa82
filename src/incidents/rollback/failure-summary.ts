import type { AppError } from '../../errors';

/**
 * One plain line saying what went wrong with a rollback: stored as the request's summary (and so in the audit
 * log and on the message), by code rather than by the backend's wording alone. Not escaped: surfaces escape.
 */
export function failureSummary(err: AppError): string {
  const message = truncate(err.message, 300);
  switch (err.code) {
    case 'ROLLBACK_REFUSED':
      return `The backend refused: ${message}`;
    case 'ROLLBACK_CONFLICT':
      return `The backend is busy with another operation: ${message}`;
    case 'ROLLBACK_TIMEOUT':
      return `No result in time: ${message}. It may still be running; check the backend.`;
    case 'ROLLBACK_BACKEND_UNAVAILABLE':
      return `The backend could not be reached: ${message}`;
    case 'ROLLBACK_CONFIG':
      return `The target is misconfigured: ${message}`;
    case 'ROLLBACK_FAILED':
      return `The backend reported a failure: ${message}`;
    default:
      return `${err.code}: ${message}`;
  }
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
