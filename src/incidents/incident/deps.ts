import type { IncidentSettings } from '../../config-incidents';
import type { AlertGroup } from '../../domain/group';
import type { FollowUp, Incident, TimelineEntry } from '../../domain/incident';
import type { Postmortem } from '../../domain/postmortem';
import type { Logger } from '../../logger';
import type {
  AlertStore,
  AuditLog,
  Chat,
  ChatMessage,
  Clock,
  Directory,
  IncidentStore,
  RulesProvider,
} from '../../ports';
import type { Denial } from '../../rollback/access';

/** What the summary, the announcement and the topic show. */
export interface IncidentView {
  incident: Incident;
  groups: AlertGroup[];
}

/**
 * The words and blocks of incident messages, built in slack/ (pure renderers) and handed in, as the render
 * worker gets its `render`: use cases decide what to post and when, never how it reads.
 */
export interface IncidentWords {
  summary(view: IncidentView): ChatMessage;
  announcement(view: IncidentView): ChatMessage;
  topic(incident: Incident): string;
  /** Posted in a linked alert's thread: where the incident lives. */
  linkedAlert(incident: Incident): string;
  reminder(incident: Incident): string;
  /** The postmortem draft as the file uploaded to the incident's channel. */
  postmortem(pm: Postmortem): { filename: string; title: string; content: string };
}

export interface IncidentDeps {
  incidents: IncidentStore;
  alerts: Pick<AlertStore, 'getGroup' | 'getMessage'>;
  audit: AuditLog;
  chat: Chat;
  directory: Directory;
  rules: RulesProvider;
  clock: Clock;
  settings: IncidentSettings;
  words: IncidentWords;
  logger: Logger;
  /** Something was scheduled: run the set-up worker now rather than at its next poll. */
  kick?: () => void;
}

/** Everything the postmortem is written from. */
export interface IncidentRecord {
  incident: Incident;
  groups: AlertGroup[];
  timeline: TimelineEntry[];
  followUps: FollowUp[];
}

/** Why a command or click was refused; slack/ words it. */
export type IncidentRefusal =
  | { kind: 'denied'; denial: Denial }
  | { kind: 'not_found' }
  | { kind: 'bad_move'; from: Incident['status']; to: Incident['status'] }
  | { kind: 'unknown_role'; role: string; roles: string[] }
  | { kind: 'closed'; incident: Incident };

export type SteerOutcome = { kind: 'ok'; incident: Incident; changed: boolean } | IncidentRefusal;

export const subjectOf = (incident: Pick<Incident, 'id'>) => `incident:${incident.id}`;
