import { manualClock } from '../../test/fakes/clock';
import type { Directory } from '../ports';
import { createCachedDirectory } from './directory';

function counting(members: string[] | Error) {
  const calls: string[] = [];
  const inner: Directory = {
    async usergroupMembers(id) {
      calls.push(id);
      if (members instanceof Error) throw members;
      return members;
    },
  };
  return { inner, calls };
}

const clockAt = (ms: number) => manualClock(new Date(ms));

describe('createCachedDirectory', () => {
  it('asks Slack once per user group within the ttl, concurrent callers included', async () => {
    const { inner, calls } = counting(['UALICE']);
    const clock = clockAt(0);
    const dir = createCachedDirectory(inner, { ttlMs: 60_000, clock });

    const both = await Promise.all([dir.usergroupMembers('S1'), dir.usergroupMembers('S1')]);
    clock.advance(59_999);
    await dir.usergroupMembers('S1');

    expect(both).toEqual([['UALICE'], ['UALICE']]);
    expect(calls).toEqual(['S1']);
    clock.advance(1);
    await dir.usergroupMembers('S1');
    await dir.usergroupMembers('S2');
    expect(calls).toEqual(['S1', 'S1', 'S2']);
  });

  it('does not cache failures', async () => {
    const { inner, calls } = counting(new Error('ratelimited'));
    const dir = createCachedDirectory(inner, { clock: clockAt(0) });

    await expect(dir.usergroupMembers('S1')).rejects.toThrow('ratelimited');
    await expect(dir.usergroupMembers('S1')).rejects.toThrow('ratelimited');
    expect(calls).toEqual(['S1', 'S1']);
  });
});
