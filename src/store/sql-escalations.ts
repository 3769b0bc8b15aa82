import type { EscalationStore } from '../ports';
import type { Db } from './db';

/** Escalation steps on plain SQL: a step is taken by the one INSERT that creates its row. */
export function createSqlEscalationStore(db: Db): EscalationStore {
  return {
    async claim(groupId, step, at) {
      const { rows } = await db.query(
        `INSERT INTO escalation_steps (group_id, step, claimed_at) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING RETURNING group_id`,
        [groupId, step, at.toISOString()],
      );
      return rows.length === 1;
    },
    async release(groupId, step) {
      await db.query('DELETE FROM escalation_steps WHERE group_id = $1 AND step = $2', [groupId, step]);
    },
  };
}
