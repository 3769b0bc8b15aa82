/**
 * Who is on call: pure functions over the rotations of a RuleSet and an instant. Time zones come from Intl (no
 * tz database of our own); shifts of whole days hand off at the same local wall-clock time on both sides of a
 * daylight-saving change. Other features (incident channels inviting the on-call) call `onCallNow`.
 */
import type { Rotation } from './types';

const DAY_MS = 86_400_000;

/** One stretch of a rotation during which the same person is on call. */
export interface OnCallShift {
  /** Slack user id; undefined before the rotation's first shift. */
  user: string | undefined;
  from: Date;
  until: Date;
  /** The person is there by an override, not by turn. */
  override: boolean;
}

export interface OnCall {
  team: string;
  rotation: Rotation;
  now: OnCallShift;
  /** The next person to take over (a different one than now), with their shift. */
  next: OnCallShift | undefined;
}

/** The rotation of `team`, if it has one. */
export function rotationOf(rotations: readonly Rotation[], team: string): Rotation | undefined {
  return rotations.find((r) => r.team === team);
}

/** Who of `team` is on call at `at` and who is next, with hand-off times; undefined when the team has no rotation. */
export function onCallNow(rotations: readonly Rotation[], team: string, at: Date): OnCall | undefined {
  const rotation = rotationOf(rotations, team);
  if (!rotation) return undefined;
  const now = shiftAt(rotation, at.getTime());
  let next: OnCallShift | undefined;
  // a shift can hand over to the same person (one member, an override of the person on turn): look further
  let t = now.until.getTime();
  for (let i = 0; i < 64 && next === undefined; i++) {
    const s = shiftAt(rotation, t);
    if (s.user !== undefined && s.user !== now.user) next = s;
    t = s.until.getTime();
  }
  return { team, rotation, now, next };
}

/** The user id on call for `team` at `at`, if any. */
export function onCallUser(rotations: readonly Rotation[], team: string, at: Date): string | undefined {
  const rotation = rotationOf(rotations, team);
  return rotation && shiftAt(rotation, at.getTime()).user;
}

/** The shift around `atMs`: by turn, unless an override covers it (the last written override wins). */
export function shiftAt(r: Rotation, atMs: number): OnCallShift {
  const turn = turnAt(r, atMs);
  let covering: Rotation['overrides'][number] | undefined;
  for (const o of r.overrides) if (o.start <= atMs && atMs < o.end) covering = o;
  // the shift ends at the first later moment where who is on call may change
  let until = covering ? covering.end : turn.until;
  let from = covering ? covering.start : turn.from;
  for (const o of r.overrides) {
    if (o.start > atMs && o.start < until) until = o.start;
    // an override that ended since the turn (or the covering override) began hands back at its end
    if (o !== covering && o.end <= atMs && o.end > from) from = o.end;
  }
  return {
    user: covering ? covering.user : turn.user,
    from: new Date(from),
    until: new Date(until),
    override: covering !== undefined,
  };
}

/** The turn (no overrides) at `atMs`. */
function turnAt(r: Rotation, atMs: number): { user: string | undefined; from: number; until: number } {
  let index: number;
  let from: number;
  let until: number;
  if (r.lengthDays !== undefined) {
    const local = localDayOf(r.timeZone, atMs);
    let days = local - r.startDay;
    if (atMs < handoffAt(r, local)) days -= 1;
    index = Math.floor(days / r.lengthDays);
    from = handoffAt(r, r.startDay + index * r.lengthDays);
    until = handoffAt(r, r.startDay + (index + 1) * r.lengthDays);
  } else {
    const first = handoffAt(r, r.startDay);
    index = Math.floor((atMs - first) / r.lengthMs);
    from = first + index * r.lengthMs;
    until = from + r.lengthMs;
  }
  const n = r.members.length;
  return { user: index < 0 ? undefined : r.members[index % n], from, until };
}

/** The instant of the hand-off on local day `day` (days since 1970-01-01) in the rotation's zone. */
export function handoffAt(r: Pick<Rotation, 'handoff' | 'timeZone'>, day: number): number {
  return zonedToUtc(r.timeZone, day * DAY_MS + r.handoff * 60_000);
}

/** Local wall-clock time (as if it were UTC, epoch ms) -> the instant. In a DST gap: just after it. */
export function zonedToUtc(timeZone: string, wallMs: number): number {
  let t = wallMs - offsetAt(timeZone, wallMs);
  const again = wallMs - offsetAt(timeZone, t);
  if (again !== t) {
    // the offset changed in between: prefer the reading that maps back to the wall clock asked for
    t = offsetAt(timeZone, again) + again === wallMs ? again : Math.max(t, again);
  }
  return t;
}

/** The local date at `atMs` in days since 1970-01-01. */
export function localDayOf(timeZone: string, atMs: number): number {
  return Math.floor((atMs + offsetAt(timeZone, atMs)) / DAY_MS);
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** Local time minus UTC at `atMs`, in ms (e.g. +3,600,000 for Europe/Berlin in winter). */
export function offsetAt(timeZone: string, atMs: number): number {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formats.set(timeZone, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(atMs)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  const local = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour! % 24, p.minute!, p.second!);
  return local - Math.floor(atMs / 1000) * 1000;
}
