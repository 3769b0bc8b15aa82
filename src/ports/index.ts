/**
 * The small interfaces the core depends on, one file per port. Each holds only what is used; each has one
 * contract suite in test/contract run against every adapter (embedded and real PostgreSQL / Redis, in-process
 * and Redis). Domain types (the rollback state machine) live in src/domain, not here.
 */
export type * from './alert-store';
export type * from './audit-log';
export type * from './chat';
export type * from './clock';
export type * from './digest-store';
export type * from './directory';
export type * from './escalations';
export type * from './incident-store';
export type * from './leases';
export type * from './notifier';
export type * from './outbox';
export type * from './placements';
export type * from './rate-budget';
export type * from './read-cache';
export type * from './reports';
export type * from './rollback-store';
export type * from './rules-provider';
export type * from './seen-requests';
export type * from './silence-store';
export type * from './silences';
