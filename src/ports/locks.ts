export interface Lock {
  readonly key: string;
  /** Releases only if still held by this owner (a lock that expired and was re-taken is left alone). */
  release(): Promise<void>;
}

/** Mutual exclusion across replicas, with a TTL so a crashed holder never blocks forever. */
export interface Locks {
  acquire(key: string, owner: string, ttlMs: number): Promise<Lock | null>;
  /** Who holds the lock now, or null. */
  holder(key: string): Promise<string | null>;
}
