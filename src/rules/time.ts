/**
 * Time in rule files: durations ("30m"), RFC 3339 timestamps, wall-clock times ("09:00"), weekdays and time
 * zones, and whether an instant falls inside a weekly window. Windows compare the *local* wall clock of their
 * time zone (via Intl, no tz database of our own), so "09:00-18:00 Europe/Berlin" follows daylight saving.
 */
import type { TimeWindow } from './types';

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const FULL_DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
export const EVERY_DAY = 0b1111111;

function dayIndex(s: string): number {
  const lower = s.toLowerCase();
  const short = (DAYS as readonly string[]).indexOf(lower);
  return short >= 0 ? short : FULL_DAYS.indexOf(lower);
}

/** "mon", "Monday" or a range "mon-fri" (wrapping: "fri-mon" is fri, sat, sun, mon) -> bitmask, or an error. */
export function parseDaySpec(spec: string): number | string {
  const m = /^\s*([A-Za-z]+)\s*(?:-\s*([A-Za-z]+)\s*)?$/.exec(spec);
  const first = m ? dayIndex(m[1]!) : -1;
  const last = m?.[2] === undefined ? first : dayIndex(m[2]);
  if (first < 0 || last < 0) {
    return `day "${spec}" must be a weekday (mon, tue, wed, thu, fri, sat, sun) or a range such as "mon-fri"`;
  }
  let mask = 0;
  for (let d = first; ; d = (d + 1) % 7) {
    mask |= 1 << d;
    if (d === last) return mask;
  }
}

/** Monday-first, runs of three or more days as ranges: "mon-fri", "sat, sun", "every day". */
export function formatDays(mask: number): string {
  if (mask === EVERY_DAY) return 'every day';
  const order = [1, 2, 3, 4, 5, 6, 0];
  const parts: string[] = [];
  for (let i = 0; i < order.length; ) {
    if (!(mask & (1 << order[i]!))) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < order.length && mask & (1 << order[j + 1]!)) j++;
    const run = order.slice(i, j + 1).map((d) => DAYS[d]!);
    parts.push(run.length >= 3 ? `${run[0]}-${run[run.length - 1]}` : run.join(', '));
    i = j + 1;
  }
  return parts.join(', ');
}

/** "09:00" / "9:00" -> minutes after midnight; "24:00" only where `endOfDay` allows it. */
export function parseClock(s: string, endOfDay: boolean): number | string {
  const m = /^(\d{1,2}):(\d{2})$/.exec(s);
  const h = m ? Number(m[1]) : Number.NaN;
  const min = m ? Number(m[2]) : Number.NaN;
  if (endOfDay && h === 24 && min === 0) return 24 * 60;
  if (!(h <= 23 && min <= 59)) {
    return `time "${s}" must be HH:MM on a 24-hour clock, from "00:00" to "23:59"${endOfDay ? ' (or "24:00" for the end of the day)' : ''}`;
  }
  return h * 60 + min;
}

export function formatClock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** The canonical IANA name, or undefined when the runtime does not know the zone. */
export function canonicalTimeZone(tz: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

const UNITS: Record<string, number> = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 };
const DURATION = /^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/** Prometheus-style durations: "30m", "1h30m", "2d", "1w"; at least one second. */
export function parseDuration(s: string): number | string {
  const m = DURATION.exec(s);
  if (!m || s === '') {
    return `duration "${s}" must be a number with a unit (s, m, h, d, w), e.g. "30m" or "1h30m"`;
  }
  const ms = ['w', 'd', 'h', 'm', 's'].reduce(
    (sum, unit, i) => sum + Number(m[i + 1] ?? 0) * UNITS[unit]!,
    0,
  );
  return ms >= 1000 ? ms : `duration "${s}" must be at least 1s`;
}

export function formatDuration(ms: number): string {
  let rest = Math.floor(ms / 1000) * 1000;
  let out = '';
  for (const unit of ['w', 'd', 'h', 'm', 's']) {
    const n = Math.floor(rest / UNITS[unit]!);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * UNITS[unit]!;
  }
  return out || '0s';
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;

/** RFC 3339 with an explicit offset ("2026-03-29T01:30:00Z", "…+02:00") -> epoch ms, or an error. */
export function parseTimestamp(s: string): number | string {
  const ms = RFC3339.test(s) && realDate(s) ? Date.parse(s) : Number.NaN;
  if (Number.isNaN(ms)) {
    return `time "${s}" must be an RFC 3339 timestamp with an offset, e.g. "2026-05-01T22:00:00Z" or "2026-05-02T00:00:00+02:00"`;
  }
  return ms;
}

/** Date.parse rolls "02-30" over into March; a typo like that must be an error instead. */
function realDate(s: string): boolean {
  const [y, m, d] = s.slice(0, 10).split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

interface LocalTime {
  /** 0 = Sunday. */
  day: number;
  minute: number;
}

/** One formatter per zone, and the last answer (windows have minute resolution; alerts arrive in bursts). */
const clocks = new Map<string, { format: Intl.DateTimeFormat; utcMinute: number; local: LocalTime }>();
const WEEKDAY: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** The local weekday and minute of the day at `atMs` in `timeZone` (a canonical name). */
export function localTime(timeZone: string, atMs: number): LocalTime {
  const utcMinute = Math.floor(atMs / 60_000);
  let clock = clocks.get(timeZone);
  if (clock?.utcMinute === utcMinute) return clock.local;
  const format =
    clock?.format ??
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
    });
  let day = 0;
  let hour = 0;
  let minute = 0;
  for (const p of format.formatToParts(atMs)) {
    if (p.type === 'weekday') day = WEEKDAY[p.value] ?? 0;
    else if (p.type === 'hour') hour = Number(p.value) % 24;
    else if (p.type === 'minute') minute = Number(p.value);
  }
  clock = { format, utcMinute, local: { day, minute: hour * 60 + minute } };
  clocks.set(timeZone, clock);
  return clock.local;
}

/** from inclusive, to exclusive, on the local wall clock; a window past midnight belongs to its start day. */
export function inWindow(w: TimeWindow, atMs: number): boolean {
  const { day, minute } = localTime(w.timeZone, atMs);
  const has = (d: number) => (w.days & (1 << d)) !== 0;
  if (w.from < w.to) return minute >= w.from && minute < w.to && has(day);
  if (minute >= w.from) return has(day);
  return minute < w.to && has((day + 6) % 7);
}

export function describeWindow(days: number, from: number, to: number, timeZone: string): string {
  return `${formatDays(days)} ${formatClock(from)}-${formatClock(to)} ${timeZone}`;
}
