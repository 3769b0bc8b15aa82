/**
 * The value types of rule files (channels, mentions, matchers, weights, times, windows), each checked and
 * converted inside its zod schema so that every problem carries the path of the YAML node it came from.
 */
import { z } from 'zod';
import { type Matcher, parseMatchers } from './matcher';
import { checkChannel, mentionProblem, normaliseMention } from './slack-targets';
import {
  canonicalTimeZone,
  describeWindow,
  EVERY_DAY,
  formatClock,
  parseClock,
  parseDaySpec,
  parseDuration,
  parseTimestamp,
} from './time';
import type { TimeWindow } from './types';

export const MAX_WEIGHT = 1_000_000;
export const MAX_MULTIPLY = 100;

/** A string converted by `convert`, which returns the value (never a string) or an error message. */
export function converted<T>(convert: (s: string) => T | string) {
  return z.string().transform((s, ctx): T => {
    const out = convert(s);
    if (typeof out === 'string') {
      ctx.addIssue({ code: 'custom', message: out });
      return z.NEVER;
    }
    return out;
  });
}

export const name = z.string().trim().min(1).max(200);

export const channel = z.string().superRefine((s, ctx) => {
  const problem = checkChannel(s);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export const mention = z.string().transform((s, ctx) => {
  const normalised = normaliseMention(s);
  if (normalised === undefined) {
    ctx.addIssue({ code: 'custom', message: mentionProblem(s) });
    return z.NEVER;
  }
  return normalised;
});

export const matcher = converted((s): Matcher[] | string => {
  const parsed = parseMatchers(s);
  return parsed.ok ? parsed.matchers : parsed.error;
});

export const score = z.number().int().min(-MAX_WEIGHT).max(MAX_WEIGHT);

/** Also reached with a bare number (YAML `30`), which gets a message about the missing unit. */
export const duration = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const ms =
    typeof v === 'string' ? parseDuration(v) : `duration ${v} needs a unit (s, m, h, d, w), e.g. "${v}m"`;
  if (typeof ms === 'number') return ms;
  ctx.addIssue({ code: 'custom', message: ms });
  return z.NEVER;
});
export const timestamp = converted(parseTimestamp);

const daySpec = converted(parseDaySpec);
export const timeZone = z.string().transform((tz, ctx) => {
  const canonical = canonicalTimeZone(tz);
  if (canonical !== undefined) return canonical;
  ctx.addIssue({
    code: 'custom',
    message: `unknown time zone "${tz}"; use an IANA name such as "Europe/Berlin", "America/New_York" or "UTC"`,
  });
  return z.NEVER;
});

const windowFields = {
  days: z.array(daySpec).min(1).optional(),
  from: converted((s) => parseClock(s, false)).optional(),
  to: converted((s) => parseClock(s, true)).optional(),
  time_zone: timeZone.optional(),
};

type WindowInput = { days?: number[]; from?: number; to?: number; time_zone?: string };

function toWindow(windowName: string | undefined, w: WindowInput, ctx: z.RefinementCtx): TimeWindow {
  const days = w.days ? w.days.reduce((a, b) => a | b, 0) : EVERY_DAY;
  const from = w.from ?? 0;
  const to = w.to ?? 24 * 60;
  const timeZone = w.time_zone ?? 'UTC';
  if (from === to) {
    ctx.addIssue({
      code: 'custom',
      path: ['to'],
      message: `"from" and "to" are both "${formatClock(from)}", so the window is empty; for a whole day leave both out (00:00-24:00)`,
    });
  }
  const label = windowName ?? describeWindow(days, from, to, timeZone);
  return Object.freeze({ name: windowName, days, from, to, timeZone, label });
}

/** A window written inline where it is used (in a rule's `when`, a maintenance entry's `window`). */
export const inlineWindow = z.strictObject(windowFields).transform((w, ctx) => toWindow(undefined, w, ctx));

/** An entry of the top-level `windows:` list. */
export const namedWindow = z
  .strictObject({ name, ...windowFields })
  .transform((w, ctx) => toWindow(w.name, w, ctx));

/** The name of a window under `windows:` (resolved across files later), or an inline window. */
export const windowRef = z.union([name, inlineWindow]);
