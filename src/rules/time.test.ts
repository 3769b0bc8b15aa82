import {
  EVERY_DAY,
  formatDays,
  formatDuration,
  inWindow,
  localTime,
  parseClock,
  parseDaySpec,
  parseDuration,
  parseTimestamp,
} from './time';
import type { TimeWindow } from './types';

const t = (iso: string) => Date.parse(iso);
const MON_FRI = 0b0111110;

function window(over: Partial<TimeWindow>): TimeWindow {
  return { name: 'w', days: EVERY_DAY, from: 0, to: 1440, timeZone: 'UTC', label: 'w', ...over };
}

/** Minutes of the UTC day `date` (YYYY-MM-DD) that fall inside `w`. */
function minutesInside(w: TimeWindow, date: string): number {
  const start = t(`${date}T00:00:00Z`);
  let n = 0;
  for (let m = 0; m < 1440; m++) if (inWindow(w, start + m * 60_000)) n++;
  return n;
}

describe('parsing', () => {
  test('days: names, full names, ranges (wrapping), and errors', () => {
    expect(parseDaySpec('mon')).toBe(0b10);
    expect(parseDaySpec('Sunday')).toBe(0b1);
    expect(parseDaySpec('mon-fri')).toBe(MON_FRI);
    expect(parseDaySpec('fri-mon')).toBe(0b1100011);
    expect(parseDaySpec('funday')).toMatch(/^day "funday" must be a weekday/);
    expect(parseDaySpec('mon-')).toMatch(/must be a weekday/);
  });

  test('days are shown Monday first, runs of three or more as ranges', () => {
    expect(formatDays(MON_FRI)).toBe('mon-fri');
    expect(formatDays(0b1000001)).toBe('sat, sun');
    expect(formatDays(EVERY_DAY)).toBe('every day');
    expect(formatDays(0b0101010)).toBe('mon, wed, fri');
  });

  test('clock times: HH:MM, "24:00" only as an end', () => {
    expect(parseClock('09:00', false)).toBe(540);
    expect(parseClock('9:05', false)).toBe(545);
    expect(parseClock('23:59', false)).toBe(1439);
    expect(parseClock('24:00', true)).toBe(1440);
    expect(parseClock('24:00', false)).toMatch(/^time "24:00" must be HH:MM/);
    expect(parseClock('12:60', true)).toMatch(/or "24:00" for the end of the day/);
    expect(parseClock('9am', false)).toMatch(/must be HH:MM/);
  });

  test('durations in Prometheus style', () => {
    expect(parseDuration('30m')).toBe(1_800_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('1w2d')).toBe(9 * 86_400_000);
    expect(parseDuration('0s')).toBe('duration "0s" must be at least 1s');
    expect(parseDuration('')).toMatch(/must be a number with a unit/);
    expect(parseDuration('30')).toMatch(/must be a number with a unit/);
    expect(parseDuration('1m1h')).toMatch(/must be a number with a unit/);
    expect(formatDuration(5_400_000)).toBe('1h30m');
  });

  test('timestamps are RFC 3339 with an offset', () => {
    expect(parseTimestamp('2026-03-29T01:00:00Z')).toBe(t('2026-03-29T01:00:00Z'));
    expect(parseTimestamp('2026-03-29T03:00:00.5+02:00')).toBe(t('2026-03-29T01:00:00.500Z'));
    expect(parseTimestamp('2026-03-29T01:00:00')).toMatch(/RFC 3339 timestamp with an offset/);
    expect(parseTimestamp('2026-02-30T01:00:00Z')).toMatch(/RFC 3339/); // Date.parse would roll over
    expect(parseTimestamp('yesterday')).toMatch(/RFC 3339/);
  });
});

describe('business hours: from inclusive, to exclusive, on the local wall clock', () => {
  const berlin = window({ days: MON_FRI, from: 540, to: 1080, timeZone: 'Europe/Berlin' });

  test('edges on a winter Friday (CET, UTC+1)', () => {
    expect(inWindow(berlin, t('2026-03-27T07:59:59Z'))).toBe(false); // 08:59:59
    expect(inWindow(berlin, t('2026-03-27T08:00:00Z'))).toBe(true); // 09:00 inclusive
    expect(inWindow(berlin, t('2026-03-27T16:59:59Z'))).toBe(true); // 17:59:59
    expect(inWindow(berlin, t('2026-03-27T17:00:00Z'))).toBe(false); // 18:00 exclusive
  });

  test('weekends are outside', () => {
    expect(inWindow(berlin, t('2026-03-28T10:00:00Z'))).toBe(false); // Saturday 11:00
  });

  test('the window follows the change to summer time (Europe/Berlin, 2026-03-29)', () => {
    // 07:30Z is 08:30 on the Friday before (CET) but 09:30 on the Monday after (CEST)
    expect(inWindow(berlin, t('2026-03-27T07:30:00Z'))).toBe(false);
    expect(inWindow(berlin, t('2026-03-30T07:30:00Z'))).toBe(true);
    expect(inWindow(berlin, t('2026-03-30T06:59:59Z'))).toBe(false); // 08:59:59 CEST
    expect(inWindow(berlin, t('2026-03-30T16:00:00Z'))).toBe(false); // 18:00 CEST
  });

  test('and back to winter time (Europe/Berlin, 2026-10-25)', () => {
    expect(inWindow(berlin, t('2026-10-23T07:00:00Z'))).toBe(true); // Friday 09:00 CEST
    expect(inWindow(berlin, t('2026-10-26T07:00:00Z'))).toBe(false); // Monday 08:00 CET
    expect(inWindow(berlin, t('2026-10-26T08:00:00Z'))).toBe(true); // Monday 09:00 CET
  });

  test('America/New_York: 2026-03-08 and 2026-11-01', () => {
    const ny = window({ days: MON_FRI, from: 540, to: 1020, timeZone: 'America/New_York' });
    expect(inWindow(ny, t('2026-03-06T13:59:00Z'))).toBe(false); // Fri 08:59 EST
    expect(inWindow(ny, t('2026-03-06T14:00:00Z'))).toBe(true); // Fri 09:00 EST
    expect(inWindow(ny, t('2026-03-09T13:00:00Z'))).toBe(true); // Mon 09:00 EDT
    expect(inWindow(ny, t('2026-03-09T21:00:00Z'))).toBe(false); // Mon 17:00 EDT
    expect(inWindow(ny, t('2026-11-02T13:00:00Z'))).toBe(false); // Mon 08:00 EST
    expect(inWindow(ny, t('2026-11-02T14:00:00Z'))).toBe(true); // Mon 09:00 EST
  });
});

describe('the hours a daylight-saving change skips or repeats', () => {
  test('02:00-03:00 does not happen in Berlin on 2026-03-29, and happens twice on 2026-10-25', () => {
    const night = window({ from: 120, to: 180, timeZone: 'Europe/Berlin' });
    expect(minutesInside(night, '2026-03-29')).toBe(0);
    expect(minutesInside(night, '2026-10-25')).toBe(120);
    expect(minutesInside(night, '2026-10-24')).toBe(60);
  });

  test('a window that starts in the skipped hour starts when the clock jumps', () => {
    const w = window({ from: 150, to: 240, timeZone: 'Europe/Berlin' }); // 02:30-04:00
    expect(inWindow(w, t('2026-03-29T00:59:59Z'))).toBe(false); // 01:59:59 CET
    expect(inWindow(w, t('2026-03-29T01:00:00Z'))).toBe(true); // 03:00 CEST
    expect(minutesInside(w, '2026-03-29')).toBe(60);
  });

  test('01:00-02:00 in New York happens twice on 2026-11-01', () => {
    const w = window({ from: 60, to: 120, timeZone: 'America/New_York' });
    expect(minutesInside(w, '2026-11-01')).toBe(120);
    expect(minutesInside(w, '2026-03-08')).toBe(60); // 01:00-02:00 EST exists; 02:00-03:00 is skipped
  });

  test('local time: weekday and minute', () => {
    expect(localTime('Europe/Berlin', t('2026-03-29T01:00:00Z'))).toEqual({ day: 0, minute: 180 });
    expect(localTime('America/New_York', t('2026-03-30T03:30:00Z'))).toEqual({ day: 0, minute: 1410 });
    expect(localTime('UTC', t('2026-03-30T00:00:00Z'))).toEqual({ day: 1, minute: 0 });
  });
});

describe('windows past midnight belong to the day they start on', () => {
  const nights = window({ days: MON_FRI, from: 1320, to: 360, timeZone: 'America/New_York' }); // 22:00-06:00

  test.each([
    ['Friday 23:00', '2026-03-14T03:00:00Z', true],
    ['Saturday 05:59 (Friday night)', '2026-03-14T09:59:00Z', true],
    ['Saturday 06:00', '2026-03-14T10:00:00Z', false],
    ['Saturday 23:00', '2026-03-15T03:00:00Z', false],
    ['Monday 05:00 (Sunday night)', '2026-03-16T09:00:00Z', false],
    ['Monday 21:59', '2026-03-17T01:59:00Z', false],
    ['Monday 22:00', '2026-03-17T02:00:00Z', true],
  ])('%s -> %s', (_when, iso, inside) => {
    expect(inWindow(nights, t(iso))).toBe(inside);
  });

  test('a whole day is 00:00-24:00', () => {
    expect(minutesInside(window({}), '2026-03-29')).toBe(1440);
  });
});
