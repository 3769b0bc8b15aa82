/**
 * The on-call section of rule files: `rotations:` (who of a team is on call when) and the escalation policy
 * (`defaults.escalation` per priority, a rule's `escalation`). Checked and converted inside the schema, so every
 * problem carries the path of the YAML node it came from; `oncall:<team>` references are checked across files
 * in cross-file.ts.
 */
import { z } from 'zod';
import { converted, duration, mention, timestamp, timeZone } from './schema-fields';
import { formatClock, formatDays, parseClock } from './time';
import type { EscalationPolicy, Rotation } from './types';

const DAY_MS = 86_400_000;
export const TEAM_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export const teamName = z.string().regex(TEAM_NAME, {
  message: 'must be a team name: lowercase letters, digits, "-" and "_" (e.g. "payments")',
});

const userId = z.string().regex(/^[UW][A-Z0-9]{2,}$/, {
  message: 'must be a Slack user id such as "U0123ABCD" (find it in the person\'s profile, "Copy member ID")',
});

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** "2026-01-05" -> days since 1970-01-01 (the local calendar date, no time zone), or an error. */
const localDate = z.string().transform((s, ctx) => {
  const m = LOCAL_DATE.exec(s);
  const day = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS : Number.NaN;
  if (m && new Date(day * DAY_MS).toISOString().slice(0, 10) === s) return day;
  ctx.addIssue({
    code: 'custom',
    message: `date "${s}" must be a calendar date YYYY-MM-DD, e.g. "2026-01-05"`,
  });
  return z.NEVER;
});

/** daily, weekly, or a duration ("3d", "12h"); whole days follow the local calendar (and so DST). */
const rotationLength = z.union([z.string(), z.number()]).transform((v, ctx) => {
  if (v === 'daily') return DAY_MS;
  if (v === 'weekly') return 7 * DAY_MS;
  const parsed = duration.safeParse(v);
  if (parsed.success && parsed.data >= 3_600_000) return parsed.data;
  ctx.addIssue({
    code: 'custom',
    message: `"rotation" must be daily, weekly or a length of at least 1h such as "3d" or "12h", not ${JSON.stringify(v)}`,
  });
  return z.NEVER;
});

const override = z.strictObject({ user: userId, start: timestamp, end: timestamp }).superRefine((o, ctx) => {
  if (o.end <= o.start)
    ctx.addIssue({ code: 'custom', path: ['end'], message: '"end" must be after "start"' });
});

export const rotationSchema = z
  .strictObject({
    team: teamName,
    members: z.array(userId).min(1),
    rotation: rotationLength,
    /** Local wall-clock time of the hand-off; default 09:00. */
    handoff: converted((s) => parseClock(s, false)).optional(),
    time_zone: timeZone,
    /** The local date the first member's first shift starts (at `handoff`); weekly hand-offs fall on its weekday. */
    start: localDate,
    overrides: z.array(override).nullish(),
  })
  .transform((r): Omit<Rotation, 'source'> => {
    const handoff = r.handoff ?? 9 * 60;
    const wholeDays = r.rotation % DAY_MS === 0 ? r.rotation / DAY_MS : undefined;
    return {
      team: r.team,
      members: r.members,
      lengthMs: r.rotation,
      lengthDays: wholeDays,
      handoff,
      timeZone: r.time_zone,
      startDay: r.start,
      overrides: (r.overrides ?? []).map((o) => ({ user: o.user, start: o.start, end: o.end })),
      label: rotationLabel(r.rotation, wholeDays, r.start, handoff, r.time_zone),
    };
  });

function rotationLabel(
  lengthMs: number,
  days: number | undefined,
  start: number,
  handoff: number,
  tz: string,
) {
  const clock = formatClock(handoff);
  const weekday = formatDays(1 << new Date(start * DAY_MS).getUTCDay());
  const length =
    days === 1
      ? 'daily'
      : days === 7
        ? 'weekly'
        : days
          ? `every ${days} days`
          : `every ${lengthMs / 3_600_000}h`;
  return `${length}, hand-off ${days === 7 ? `${weekday} ` : ''}${clock} ${tz}`;
}

/** A chain step: a mention (user, user group, @here, oncall:<team>) or `oncall`, the routed team's on-call. */
const chainStep = z.union([z.literal('oncall'), mention]);

export const escalationSchema = z
  .strictObject({
    /** Unacknowledged this long after it fired (and again after each step): the next step. */
    after: duration.optional(),
    chain: z.array(chainStep).nullish(),
    /** Acknowledged but still firing this long after the acknowledgement (and every time again): a reminder. */
    remind_after: duration.optional(),
  })
  .transform(
    (e): EscalationPolicy => ({
      afterMs: e.after,
      chain: Object.freeze([...(e.chain ?? [])]),
      remindAfterMs: e.remind_after,
    }),
  );
