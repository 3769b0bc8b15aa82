import {
  ACTIVE_ROLLBACK_STATES,
  canTransition,
  FINAL_ROLLBACK_STATES,
  LIVE_ROLLBACK_STATES,
  ROLLBACK_STATES,
  rollbackSources,
  sqlStateList,
} from './rollback';

describe('rollback state machine', () => {
  it('gives each target state the sources the use cases move from', () => {
    expect(rollbackSources('approved')).toEqual(['pending']);
    expect(rollbackSources('denied')).toEqual(['pending']);
    expect(rollbackSources('expired')).toEqual(['pending']);
    expect(rollbackSources('running')).toEqual(['approved']);
    expect(rollbackSources('succeeded')).toEqual(['running']);
    expect(rollbackSources('failed')).toEqual(['running']);
    expect(rollbackSources('interrupted')).toEqual(['approved', 'running']);
    expect(rollbackSources('pending')).toEqual([]);
  });

  it('lets nothing leave a final state', () => {
    for (const from of FINAL_ROLLBACK_STATES)
      for (const to of ROLLBACK_STATES) expect(canTransition(from, to)).toBe(false);
  });

  it('splits the states into active and final, the live ones being active', () => {
    expect([...ACTIVE_ROLLBACK_STATES, ...FINAL_ROLLBACK_STATES].sort()).toEqual([...ROLLBACK_STATES].sort());
    for (const s of LIVE_ROLLBACK_STATES) expect(ACTIVE_ROLLBACK_STATES).toContain(s);
  });

  it('spells a state list as SQL', () => {
    expect(sqlStateList(ACTIVE_ROLLBACK_STATES)).toBe("('pending', 'approved', 'running')");
  });
});
