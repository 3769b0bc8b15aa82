/**
 * Named leases in the shared database: background work that must run on one replica at a time (the silence
 * poller) takes one for a while and renews it each round; a replica that dies loses it when it runs out. In
 * PostgreSQL on purpose, not Redis: the work it guards writes there, and it works without Redis.
 */
export interface Leases {
  /** true when `holder` now holds `name` until `ttlMs` from now (newly, or renewed because it held it). */
  tryAcquire(name: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Gives it up early (on shutdown) so another replica need not wait for it to run out. */
  release(name: string, holder: string): Promise<void>;
}
