/**
 * A short-lived cache of read results shared by replicas (Redis when REDIS_URL is set, in-process otherwise):
 * `/incident status` and friends read the open groups from it instead of asking the database on every command.
 * Values are strings (JSON); a cache that is down is a miss, never a failure.
 */
export interface ReadCache {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  delete(key: string): Promise<void>;
}
