/**
 * PGlite runs PostgreSQL in single-user mode, where autovacuum never runs: every UPDATE and DELETE leaves a dead
 * row version behind for good. Alert rows churn (fired, resolved, pruned), so without vacuuming a group that has
 * seen 100,000 alerts made each notification twice as slow as a new group's (bench/lifetime.js). This counts the
 * rows such statements touched and asks for a VACUUM once enough have piled up, as autovacuum would.
 */
export interface VacuumPolicy {
  /** Rows touched by UPDATE, DELETE or an upsert since the last vacuum before the next one (default 5,000). */
  threshold?: number;
  /** Least time between two vacuums, so a storm vacuums in steps rather than all the time (default 2 s). */
  minIntervalMs?: number;
}

/** The table whose rows a statement may leave dead: UPDATE t, DELETE FROM t, INSERT INTO t … ON CONFLICT … DO UPDATE. */
function churnedTable(sql: string): string | undefined {
  const m = /^\s*(?:UPDATE\s+|DELETE\s+FROM\s+|INSERT\s+INTO\s+)([a-z_][a-z0-9_]*)/i.exec(sql);
  if (!m) return undefined;
  if (/^\s*INSERT/i.test(sql) && !/\bDO\s+UPDATE\b/i.test(sql)) return undefined;
  return m[1]!.toLowerCase();
}

export function createVacuumCounter(policy: VacuumPolicy = {}, now: () => number = Date.now) {
  const threshold = policy.threshold ?? 5_000;
  const minIntervalMs = policy.minIntervalMs ?? 2_000;
  const touched = new Map<string, number>();
  let last = Number.NEGATIVE_INFINITY;
  return {
    /** After each statement: how many rows it affected. */
    note(sql: string, affectedRows: number | undefined): void {
      const table = affectedRows ? churnedTable(sql) : undefined;
      if (table) touched.set(table, (touched.get(table) ?? 0) + affectedRows!);
    },
    /**
     * The tables due for a vacuum (each past the threshold), at most once per interval; empty when none is.
     * They are counted from zero again: the caller vacuums them.
     */
    take(): string[] {
      if (now() - last < minIntervalMs) return [];
      const due = [...touched].filter(([, n]) => n >= threshold).map(([t]) => t);
      if (due.length === 0) return [];
      for (const t of due) touched.delete(t);
      last = now();
      return due;
    },
  };
}
