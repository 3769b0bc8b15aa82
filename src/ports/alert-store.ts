import type { AlertStatus } from '../domain/alert';
import type { AlertGroup } from '../domain/group';
import type { AuditEntry } from './audit-log';

export interface MessageRef {
  channel: string;
  ts: string;
}

export interface StoredMessage extends MessageRef {
  /** The group version this message shows. */
  renderedVersion: number;
}

/** What a decision about a group wants persisted: the new state and the audit rows that explain it. */
export interface GroupChange {
  next: AlertGroup;
  audit: AuditEntry[];
}

/**
 * Durable alert-group state. Every change commits together with its audit rows and a job in the outbox (see
 * Outbox), so "recorded" and "will be shown in Slack" are one transaction and nothing is lost on a crash.
 */
export interface AlertStore {
  /**
   * Runs `decide` on the group's current state under a row lock inside one transaction. A non-null result is
   * saved with version+1, its audit rows are written in the same transaction and the group's message (or its
   * roll-up) is queued for rendering. null changes nothing. Concurrent calls for the same group (two replicas,
   * an HA pair) run one after the other.
   */
  mutateGroup(
    groupKey: string,
    decide: (current: AlertGroup | null) => GroupChange | null,
  ): Promise<{ group: AlertGroup; changed: boolean } | null>;
  /**
   * mutateGroup for a change worked out beforehand from `base`, the group as getGroup returned it (null: no
   * group yet), for notifications too large to merge inside the transaction: locks the row and reads only its
   * version. 'stale' (nothing written) when the group moved on from base's version meanwhile; the caller then
   * decides again with mutateGroup. Alerts of the change that are the very objects of base (unchanged) need
   * not be written again, so a change to a few alerts of 10,000 costs a few.
   */
  applyPlanned(
    groupKey: string,
    base: AlertGroup | null,
    change: GroupChange | null,
  ): Promise<{ groupId: string; changed: boolean } | 'stale'>;
  /** The whole group, every alert it holds: for deciding a change (its cost grows with the alerts). */
  getGroup(groupId: string): Promise<AlertGroup | null>;
  /**
   * The group as its message shows it, at a cost bounded however many alerts it holds: `alerts` holds only
   * the first `maxAlerts` in display order (firing first, then the group's own order) and `allAlerts` says
   * what all of them come to. For rendering; never hand it back to mutateGroup as a next state.
   */
  getGroupToShow(groupId: string, maxAlerts: number): Promise<AlertGroup | null>;
  /**
   * The labels of the group's firing alerts, a page of at most `limit` (1 to 1,000) at a time in the group's own
   * order: `after` is the `next` of the page before (null: from the start), `next` null once none are left. For
   * searching a group's alerts by label (`/incident list`) at a bounded cost per call, whatever the group's size:
   * only labels are read. Pages are not one snapshot: an alert changed between two may be seen twice or missed.
   */
  firingAlertLabels(
    groupId: string,
    after: number | null,
    limit: number,
  ): Promise<{ labels: Record<string, string>[]; next: number | null }>;
  /** Groups as getGroupToShow returns them with no alerts listed (`allAlerts` has the counts). */
  listGroups(query?: { status?: AlertStatus; limit?: number }): Promise<AlertGroup[]>;
  /** The group's own Slack message, if it has one (a group shown only in a roll-up has none). */
  getMessage(groupId: string): Promise<StoredMessage | null>;
  /** The group whose own message is `ref`: a click acts only on the group of the message it was made on. */
  findGroupIdByMessage(ref: MessageRef): Promise<string | null>;
}
