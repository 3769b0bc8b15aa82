import type {
  FollowUp,
  Incident,
  IncidentMode,
  IncidentStatus,
  Severity,
  TimelineEntry,
} from '../domain/incident';
import type { AuditEntry } from './audit-log';

export interface NewIncident {
  id: string;
  title: string;
  severity: Severity;
  mode: IncidentMode;
  /** Private channel (per severity, by configuration). */
  private: boolean;
  lead: string;
  declaredBy: string;
  /** Alert groups to link; those already in an open incident are left out. */
  groupIds: string[];
  /** Thread mode: the alert message whose thread holds the incident. */
  thread: { channel: string; ts: string } | null;
  /** Set-up steps, in the order they run. */
  steps: string[];
}

export type DeclareResult =
  | { kind: 'declared'; incident: Incident; alreadyLinked: string[] }
  /** Every group asked for is already in an open incident: nothing was created, here is (the first) one. */
  | { kind: 'exists'; incident: Incident };

/** Fields a change may set; `roles` entries set (user id) or clear (null) one role. */
export interface IncidentPatch {
  title?: string;
  severity?: Severity;
  status?: IncidentStatus;
  channelId?: string;
  channelName?: string;
  /** Thread mode: the thread's ts once its first message is posted. */
  threadTs?: string;
  summaryTs?: string;
  announcement?: { channel: string; ts: string };
  archivedAt?: Date;
  roles?: Record<string, string | null>;
  /** Counts as an update for the update reminder (a note, a status or severity change, a pinned message). */
  updated?: boolean;
}

export interface IncidentChange {
  patch: IncidentPatch;
  timeline?: TimelineEntry[];
  audit?: AuditEntry[];
}

/** A set-up step handed to one worker for a lease. `result` holds what earlier attempts recorded. */
export interface SetupStep {
  incidentId: string;
  step: string;
  attempts: number;
  result: Record<string, unknown>;
}

export interface NewStep {
  step: string;
  /** Steps of one incident run in this order; later steps wait for earlier ones. */
  seq: number;
  dueAt?: Date;
}

export interface OpenIncident {
  incident: Incident;
  /** Last update (note, status, severity, pinned message) or reminder, for the update reminder. */
  lastUpdateAt: Date;
}

/**
 * Incidents, their linked alert groups, roles, timeline, follow-ups and set-up steps. Declaring writes the
 * incident and its set-up steps in one transaction, so nothing is half-created: the steps then run (and
 * resume after a crash or a 429) from what is recorded. A timeline entry with a source ref is recorded once,
 * however often its event arrives.
 */
export interface IncidentStore {
  declare(incident: NewIncident, audit: AuditEntry[]): Promise<DeclareResult>;
  get(id: string): Promise<Incident | null>;
  getByNumber(number: number): Promise<Incident | null>;
  /** The incident living in this channel (channel mode) or this alert thread (thread mode). */
  findByChannel(channel: string, threadTs?: string): Promise<Incident | null>;
  /** The open (not closed) incident an alert group is linked to. */
  findOpenByGroup(groupId: string): Promise<Incident | null>;
  listOpen(): Promise<OpenIncident[]>;
  /** Runs `decide` on the current incident under a row lock; a change is saved with its timeline and audit rows. */
  update(
    id: string,
    decide: (current: Incident) => IncidentChange | null,
  ): Promise<{ incident: Incident; changed: boolean } | null>;
  /** Adds entries; one whose source ref is already recorded is skipped. Returns how many were added. */
  addTimeline(id: string, entries: TimelineEntry[], opts?: { updated?: boolean }): Promise<number>;
  timeline(id: string): Promise<TimelineEntry[]>;
  addFollowUp(id: string, followUp: FollowUp): Promise<void>;
  followUps(id: string): Promise<FollowUp[]>;
  /** Records the reminder so the next one waits a full period. */
  markReminded(id: string, at: Date): Promise<void>;

  /** Schedules steps (again): a step already recorded is reset to pending and due (e.g. "refresh the summary"). */
  scheduleSteps(id: string, steps: NewStep[]): Promise<void>;
  /** The next due step whose earlier steps are done, leased for `leaseMs`; null when none is due. */
  takeStep(leaseMs: number): Promise<SetupStep | null>;
  /** Keeps what a step learned (e.g. the channel name tried) without finishing it. */
  recordStep(step: SetupStep, result: Record<string, unknown>): Promise<void>;
  /** Marks the step done (if still pending) with its result, applying the change in the same transaction. */
  completeStep(step: SetupStep, result: Record<string, unknown>, change?: IncidentChange): Promise<boolean>;
  /**
   * Gives the step back, due again after `delayMs` (a 429's Retry-After, or a back-off). `waitOnly`: it did not
   * fail, it waited for Slack's budget, so the try is not counted against it.
   */
  postponeStep(step: SetupStep, delayMs: number, error: string, opts?: { waitOnly?: boolean }): Promise<void>;
}
