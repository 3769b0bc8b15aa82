import type { Directory } from '../../src/ports';

/** A fixed directory of Slack user groups (id -> member user ids). Unknown groups have no members. */
export function createStaticDirectory(groups: Record<string, string[]> = {}): Directory {
  return {
    async usergroupMembers(id) {
      return [...(groups[id] ?? [])];
    },
  };
}
