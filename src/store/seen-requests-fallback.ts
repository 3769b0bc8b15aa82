import type { SeenRequests } from '../ports/seen-requests';

export interface FallbackEvents {
  /** The shared memory failed: this replica answers alone until it is back. */
  onDown(err: unknown): void;
  /** The shared memory answered again; what was seen meanwhile has been handed to it. */
  onBack(): void;
}

/**
 * Replay protection that degrades instead of stopping. While Redis is away, a click at 3 a.m. must still
 * acknowledge: each replica then remembers what it accepted itself (a replay sent to the same replica is still
 * refused; one sent to another replica during the outage is not: the rollback lock and the database's own
 * idempotency still hold). Every key it accepted alone is handed to Redis on its return, so a replay of it is
 * refused everywhere again for the rest of its window. Keys accepted through Redis are remembered here too, so
 * an outage does not reopen them on this replica.
 */
export function withLocalFallback(
  shared: SeenRequests,
  local: SeenRequests,
  events: FallbackEvents,
  now: () => number = Date.now,
): SeenRequests {
  let down = false;
  /** Keys accepted while Redis was away, with when their window ends. */
  const pending = new Map<string, number>();

  async function handOver(): Promise<void> {
    const t = now();
    for (const [key, until] of [...pending]) {
      if (until > t) await shared.firstSeen(key, until - t);
      pending.delete(key); // only once Redis has it: a handover cut short is resumed next time
    }
  }

  return {
    async firstSeen(key, ttlMs) {
      let first: boolean;
      try {
        first = await shared.firstSeen(key, ttlMs);
        if (down) {
          down = false;
          await handOver();
          events.onBack();
        }
      } catch (err) {
        if (!down) events.onDown(err);
        down = true;
        const accepted = await local.firstSeen(key, ttlMs);
        if (accepted) pending.set(key, now() + ttlMs);
        return accepted;
      }
      // new to Redis, but this replica may have accepted it alone during an outage that Redis never heard of
      return first && (await local.firstSeen(key, ttlMs));
    },
  };
}
