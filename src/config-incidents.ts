import { z } from 'zod';
import { PRIORITIES, type Priority } from './domain/alert';
import {
  DEFAULT_CHANNEL_PATTERN,
  DEFAULT_REMINDERS,
  type IncidentMode,
  LEAD_ROLE,
  type ReminderPolicy,
  SEVERITIES,
  type Severity,
} from './domain/incident';

/** How incidents run, from the environment (README and docs/incidents.md list the variables). */
export interface IncidentSettings {
  /** channel: each incident gets a channel; thread: it lives in the thread of the alert it was declared from. */
  mode: IncidentMode;
  /** Channel name pattern: {n}, {slug}, {sev}, {date}. */
  channelPattern: string;
  /** Severities whose channel is private. */
  privateSeverities: Severity[];
  /** Where declarations are announced (a "#name" or id); null: nowhere. */
  broadcastChannel: string | null;
  /** How long after closing the channel is archived; null: never. */
  archiveAfterMs: number | null;
  /** Roles besides the lead (comms, scribe…). */
  roles: string[];
  /** The reaction that adds a message to the timeline (its name without colons). */
  timelineReaction: string;
  /** Alert priorities whose message offers a Declare incident button. */
  declarePriorities: Priority[];
  /** Update reminders per severity. */
  reminders: ReminderPolicy;
}

const list = (v: string) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

const listOf = <T extends string>(allowed: readonly T[], what: string) =>
  z
    .string()
    .refine((v) => list(v).every((s) => (allowed as readonly string[]).includes(s.toUpperCase())), {
      message: `must be a comma-separated list of ${allowed.join(', ')} (${what})`,
    })
    .transform((v) => list(v).map((s) => s.toUpperCase() as T));

const REMINDER_ITEM = /^(SEV[1-4])=(\d+)$/i;

/** The incident variables of the environment schema; config-env.ts spreads them into its own. */
export const INCIDENT_ENV = {
  INCIDENT_MODE: z.enum(['channel', 'thread']).default('channel'),
  INCIDENT_CHANNEL_PATTERN: z
    .string()
    .trim()
    .default(DEFAULT_CHANNEL_PATTERN)
    .refine((v) => v.includes('{n}'), {
      message: 'must contain {n} (the incident number keeps names unique)',
    }),
  INCIDENT_PRIVATE_SEVERITIES: listOf(SEVERITIES, 'e.g. "SEV1"').default([]),
  INCIDENT_BROADCAST_CHANNEL: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v : undefined)),
  INCIDENT_ARCHIVE_AFTER_HOURS: z.coerce
    .number()
    .min(0)
    .max(24 * 365)
    .default(7 * 24),
  INCIDENT_ROLES: z
    .string()
    .default('comms,scribe')
    .refine(
      (v) => list(v).every((r) => /^[a-z][a-z0-9_-]{0,30}$/i.test(r) && r.toLowerCase() !== LEAD_ROLE),
      {
        message:
          'must be a comma-separated list of role names (letters, digits, - or _; "lead" is always there)',
      },
    )
    .transform((v) => list(v).map((r) => r.toLowerCase())),
  INCIDENT_TIMELINE_REACTION: z
    .string()
    .trim()
    .default('pushpin')
    .transform((v) => v.replace(/^:|:$/g, ''))
    .refine((v) => /^[a-z0-9_+'-]+$/.test(v), { message: 'must be an emoji name such as pushpin' }),
  INCIDENT_DECLARE_PRIORITIES: listOf(PRIORITIES, 'e.g. "P1,P2"').default(['P1', 'P2']),
  INCIDENT_REMINDER_MINUTES: z
    .string()
    .optional()
    .refine((v) => v === undefined || v.trim() === '' || list(v).every((s) => REMINDER_ITEM.test(s)), {
      message: 'must look like "SEV1=30,SEV2=60" (minutes per severity; leave a severity out for none)',
    }),
};

type IncidentEnv = z.infer<z.ZodObject<typeof INCIDENT_ENV>>;

export function incidentSettingsOf(e: IncidentEnv): IncidentSettings {
  let reminders: ReminderPolicy = { ...DEFAULT_REMINDERS };
  if (e.INCIDENT_REMINDER_MINUTES !== undefined) {
    reminders = {};
    for (const item of list(e.INCIDENT_REMINDER_MINUTES)) {
      const m = REMINDER_ITEM.exec(item)!;
      if (Number(m[2]) > 0) reminders[m[1]!.toUpperCase() as Severity] = Number(m[2]) * 60_000;
    }
  }
  return {
    mode: e.INCIDENT_MODE,
    channelPattern: e.INCIDENT_CHANNEL_PATTERN,
    privateSeverities: e.INCIDENT_PRIVATE_SEVERITIES,
    broadcastChannel: e.INCIDENT_BROADCAST_CHANNEL ?? null,
    archiveAfterMs: e.INCIDENT_ARCHIVE_AFTER_HOURS > 0 ? e.INCIDENT_ARCHIVE_AFTER_HOURS * 3_600_000 : null,
    roles: e.INCIDENT_ROLES,
    timelineReaction: e.INCIDENT_TIMELINE_REACTION,
    declarePriorities: e.INCIDENT_DECLARE_PRIORITIES,
    reminders,
  };
}
