/**
 * The rollback request's state machine: pure, shared by the use cases, the SQL store (and its migration's
 * partial unique index) and the renderers, so "active" and "final" are spelled once.
 *
 * pending: waiting for a second person (two-person rule); approved: cleared to run; running: the backend was
 * called; the rest are final. denied: cancelled or rejected while pending; expired: nobody approved in time;
 * interrupted: mogo stopped or crashed while the backend ran, so the outcome is unknown.
 */
export const ROLLBACK_STATES = [
  'pending',
  'approved',
  'running',
  'succeeded',
  'failed',
  'denied',
  'expired',
  'interrupted',
] as const;

export type RollbackState = (typeof ROLLBACK_STATES)[number];

/** The states that hold a target: at most one request per target is in one of them (the database enforces it). */
export const ACTIVE_ROLLBACK_STATES: readonly RollbackState[] = ['pending', 'approved', 'running'];

/** The states owned by a live process, which heartbeats them; a stale heartbeat means that process is gone. */
export const LIVE_ROLLBACK_STATES: readonly RollbackState[] = ['approved', 'running'];

/** The end states: nothing moves out of them. */
export const FINAL_ROLLBACK_STATES: readonly RollbackState[] = [
  'succeeded',
  'failed',
  'denied',
  'expired',
  'interrupted',
];

/** Every allowed move, from -> to. Anything else is a bug (or another replica having got there first). */
const NEXT: Readonly<Record<RollbackState, readonly RollbackState[]>> = {
  pending: ['approved', 'denied', 'expired'],
  approved: ['running', 'interrupted'],
  running: ['succeeded', 'failed', 'interrupted'],
  succeeded: [],
  failed: [],
  denied: [],
  expired: [],
  interrupted: [],
};

export function canTransition(from: RollbackState, to: RollbackState): boolean {
  return NEXT[from].includes(to);
}

/** The states a request may be in for a move to `to`: the `from` of a conditional transition. */
export function rollbackSources(to: RollbackState): readonly RollbackState[] {
  return ROLLBACK_STATES.filter((from) => canTransition(from, to));
}

/** `('a', 'b')`: a state list as SQL text, for constants built into statements (never user input). */
export function sqlStateList(states: readonly RollbackState[]): string {
  return `(${states.map((s) => `'${s}'`).join(', ')})`;
}
