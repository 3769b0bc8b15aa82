import { ACTIVE_ROLLBACK_STATES, ROLLBACK_STATES, sqlStateList } from '../domain/rollback';
import { MIGRATIONS } from './migrations';

/**
 * Released migrations are append-only, so their SQL stays literal text rather than being built from the domain
 * constants (a later change to a constant must not rewrite what an existing database ran). These tests tie the
 * two together instead: changing the state machine without a new migration fails here.
 */
describe('rollbacks migration', () => {
  const sql = MIGRATIONS.find((m) => m.name === 'rollbacks')?.statements.join('\n') ?? '';

  it('indexes exactly the active states as "one per target"', () => {
    expect(sql).toContain(
      `rollbacks_one_active_per_target ON rollbacks (target)\n        WHERE state IN ${sqlStateList(ACTIVE_ROLLBACK_STATES)}`,
    );
  });

  it('allows exactly the domain states', () => {
    expect(sql).toContain(`CHECK (state IN\n          ${sqlStateList(ROLLBACK_STATES)})`);
  });
});

describe('MIGRATIONS', () => {
  it('lists each version once, in ascending order (the order migrate() applies them)', () => {
    const versions = MIGRATIONS.map((m) => m.version);
    expect(versions).toEqual([...new Set(versions)].sort((a, b) => a - b));
    expect(versions[0]).toBe(1);
  });
});
