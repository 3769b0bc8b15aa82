import type { EscalationStore } from '../../src/ports';

/** Escalation claims in memory: one claim per (group, step) until released (escalation-store contract). */
export function createMemoryEscalationStore(): EscalationStore {
  const claimed = new Set<string>();
  return {
    async claim(groupId, step) {
      const key = `${groupId}\u0000${step}`;
      if (claimed.has(key)) return false;
      claimed.add(key);
      return true;
    },
    async release(groupId, step) {
      claimed.delete(`${groupId}\u0000${step}`);
    },
  };
}
