import { randomUUID } from 'node:crypto';
import type { AlertGroup } from '../../src/domain/group';
import type { AlertStore, GroupChange } from '../../src/ports';
import type { Db } from '../../src/store/db';
import { sampleAlert, sampleGroup } from '../fakes/alert-group';

export const newGroupKey = (): string => `{}:{alertname="Contract-${randomUUID()}"}`;

/** A decision that records one more alert each time it runs, so lost updates show as missing alerts. */
export const addAlert =
  (groupKey: string) =>
  (current: AlertGroup | null): GroupChange => {
    const alerts = [...(current?.alerts ?? []), sampleAlert(`fp${(current?.alerts.length ?? 0) + 1}`)];
    return {
      next: sampleGroup(groupKey, { alerts }),
      audit: [
        { actor: 'alertmanager', action: current ? 'group.updated' : 'group.created', subject: groupKey },
      ],
    };
  };

/** Creates a group (and so a render job) and returns its id. */
export async function createGroup(store: AlertStore, groupKey = newGroupKey()): Promise<string> {
  const res = await store.mutateGroup(groupKey, addAlert(groupKey));
  return res!.group.id;
}

/** Each test starts without groups, messages or jobs (the audit log is append-only: tests filter it). */
export async function resetAlertState(db: Db): Promise<void> {
  await db.query('TRUNCATE outbox, group_messages, rollups, alert_groups');
}
