import type { AlertGroup } from './group';
import {
  durationsOf,
  type FollowUp,
  type Incident,
  type IncidentDurations,
  type TimelineEntry,
} from './incident';

/**
 * Everything a postmortem draft is written from; also what `mogo incident export --format json` prints. The
 * words (Markdown with Slack mentions) are slack/blocks/postmortem.ts.
 */
export interface PostmortemInput {
  incident: Incident;
  groups: AlertGroup[];
  timeline: TimelineEntry[];
  followUps: FollowUp[];
  firstAlertAt: Date | null;
  firstAckAt: Date | null;
}

export interface Postmortem extends PostmortemInput {
  durations: IncidentDurations;
  /** From the first alert (or the declaration) to the resolution, or null while unresolved. */
  impact: { from: Date; to: Date | null };
}

export function postmortemOf(input: PostmortemInput): Postmortem {
  const durations = durationsOf(input.incident, input.firstAlertAt, input.firstAckAt);
  return { ...input, durations, impact: { from: durations.startedAt, to: input.incident.resolvedAt } };
}
