import type { Clock, Directory } from '../ports';

export interface CachedDirectoryOptions {
  /** How long a user group's members are trusted; default 60 s, so a removal takes effect within a minute. */
  ttlMs?: number;
  clock?: Clock;
}

/**
 * Keeps each user group's members for `ttlMs`, and shares one lookup between concurrent callers. Failures are
 * not cached: the next check asks again.
 */
export function createCachedDirectory(inner: Directory, opts: CachedDirectoryOptions = {}): Directory {
  const ttlMs = opts.ttlMs ?? 60_000;
  const clock = opts.clock ?? { now: () => new Date() };
  const cache = new Map<string, { members: Promise<string[]>; until: number }>();
  return {
    usergroupMembers(id) {
      const now = clock.now().getTime();
      const hit = cache.get(id);
      if (hit && hit.until > now) return hit.members;
      const members = inner.usergroupMembers(id);
      cache.set(id, { members, until: now + ttlMs });
      members.catch(() => {
        if (cache.get(id)?.members === members) cache.delete(id);
      });
      return members;
    },
  };
}
