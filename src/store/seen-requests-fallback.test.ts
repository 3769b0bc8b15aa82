import type { SeenRequests } from '../ports/seen-requests';
import { createMemorySeenRequests } from './memory/memory-seen-requests';
import { withLocalFallback } from './seen-requests-fallback';

/** A shared memory (one Map for every replica) that can be switched off, as Redis going away. */
function flakyShared() {
  const inner = createMemorySeenRequests();
  let up = true;
  const shared: SeenRequests = {
    async firstSeen(key, ttl) {
      if (!up) throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
      return inner.firstSeen(key, ttl);
    },
  };
  const setUp = (v: boolean) => {
    up = v;
  };
  return { shared, setUp };
}

describe('withLocalFallback', () => {
  const replica = (shared: SeenRequests, events = { onDown: jest.fn(), onBack: jest.fn() }) => ({
    seen: withLocalFallback(shared, createMemorySeenRequests(), events),
    events,
  });

  it('while Redis is away a replica still accepts a new request once and refuses its replay', async () => {
    const redis = flakyShared();
    const a = replica(redis.shared);
    redis.setUp(false);
    expect(await a.seen.firstSeen('sig-1', 60_000)).toBe(true);
    expect(await a.seen.firstSeen('sig-1', 60_000)).toBe(false);
    expect(a.events.onDown).toHaveBeenCalledTimes(1);
  });

  it('what a replica accepted alone is handed to Redis on its return, so other replicas refuse it', async () => {
    const redis = flakyShared();
    const a = replica(redis.shared);
    const b = replica(redis.shared);
    redis.setUp(false);
    expect(await a.seen.firstSeen('sig-2', 60_000)).toBe(true);
    redis.setUp(true);
    expect(await a.seen.firstSeen('sig-3', 60_000)).toBe(true); // the first call after the outage hands over
    expect(a.events.onBack).toHaveBeenCalledTimes(1);
    expect(await b.seen.firstSeen('sig-2', 60_000)).toBe(false);
    expect(await b.seen.firstSeen('sig-3', 60_000)).toBe(false);
  });

  it('a request accepted through Redis stays refused on its replica through a later outage', async () => {
    const redis = flakyShared();
    const a = replica(redis.shared);
    expect(await a.seen.firstSeen('sig-4', 60_000)).toBe(true);
    redis.setUp(false);
    expect(await a.seen.firstSeen('sig-4', 60_000)).toBe(false);
  });

  it('with Redis up, concurrent calls with one key still give exactly one first', async () => {
    const redis = flakyShared();
    const a = replica(redis.shared);
    const answers = await Promise.all(Array.from({ length: 20 }, () => a.seen.firstSeen('sig-5', 60_000)));
    expect(answers.filter(Boolean)).toHaveLength(1);
  });
});
