import type { AuditEntry } from './audit-log';
import type { SilenceMatcher } from './silences';

/** How a silence made by mogo ended: Unsilence in Slack, ran out, or removed (expired early) in Alertmanager. */
export type SilenceEnd = 'unsilenced' | 'expired' | 'removed';

/** A silence mogo asked Alertmanager for, as mogo remembers it (Alertmanager holds the silence itself). */
export interface SilenceRecord {
  /** Alertmanager's silence id. */
  id: string;
  groupId: string;
  /** The whole group (its common labels) or one alert (all its labels). */
  scope: 'group' | 'alert';
  /** The alert's fingerprint when scope is 'alert'. */
  fingerprint: string | null;
  matchers: SilenceMatcher[];
  /** Slack user id and name of whoever silenced. */
  createdBy: string;
  createdByName: string;
  comment: string;
  startsAt: Date;
  endsAt: Date;
  state: 'active' | SilenceEnd;
  endedAt: Date | null;
  /** Slack user id for 'unsilenced'; null when Alertmanager ended it. */
  endedBy: string | null;
  /** Last time the poller asked Alertmanager about it. */
  checkedAt: Date | null;
}

export type NewSilenceRecord = Omit<SilenceRecord, 'state' | 'endedAt' | 'endedBy' | 'checkedAt'>;

/**
 * mogo's record of its silences. Every change commits with its audit rows and queues the group's message for
 * rendering in the same transaction (as rollback requests do), so "recorded" and "shown" cannot part.
 */
export interface SilenceStore {
  /** Records a silence Alertmanager has already created. */
  record(silence: NewSilenceRecord, audit: AuditEntry[]): Promise<SilenceRecord>;
  /** active -> `end`; null (nothing written) when it was no longer active, e.g. another replica ended it. */
  end(id: string, end: SilenceEnd, by: string | null, audit: AuditEntry[]): Promise<SilenceRecord | null>;
  get(id: string): Promise<SilenceRecord | null>;
  /** The group's active silences, oldest first. */
  activeForGroup(groupId: string): Promise<SilenceRecord[]>;
  /** Active silences, least recently checked first, and marks them checked now (the poller's batch). */
  takeDueForCheck(limit: number): Promise<SilenceRecord[]>;
  /** How many are active (the poller idles at zero). */
  countActive(): Promise<number>;
}
