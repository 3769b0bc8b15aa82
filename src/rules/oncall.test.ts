import { compileRules } from './compile';
import { onCallNow, onCallUser } from './oncall';
import { routeAlert } from './route';
import { formatProblem, type RuleSet } from './types';

function compile(content: string): RuleSet {
  const result = compileRules([{ path: '60-oncall.yml', content }]);
  if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
  return result.ruleSet;
}

function problems(content: string): string[] {
  const result = compileRules([{ path: '60-oncall.yml', content }]);
  return result.ok ? [] : result.problems.map(formatProblem);
}

const rotation = (fields: string) =>
  `version: 1\nrotations:\n  - team: payments\n    members: [UALICE, UBOB, UCAROL]\n${fields}`;
const iso = (d: Date | undefined) => d?.toISOString();

describe('on-call rotations', () => {
  it('a daily rotation hands off at 09:00 Berlin time on both sides of the spring DST change (a 23 h shift)', () => {
    const rules = compile(
      rotation(
        '    rotation: daily\n    handoff: "09:00"\n    time_zone: Europe/Berlin\n    start: "2026-03-27"\n',
      ),
    );
    // 2026-03-29 02:00 Berlin: clocks go forward; 09:00 is 08:00Z before, 07:00Z after
    const sat = onCallNow(rules.rotations, 'payments', new Date('2026-03-28T12:00:00Z'))!;
    expect(sat.now).toMatchObject({ user: 'UBOB', override: false });
    expect(iso(sat.now.from)).toBe('2026-03-28T08:00:00.000Z');
    expect(iso(sat.now.until)).toBe('2026-03-29T07:00:00.000Z');
    expect(sat.next?.user).toBe('UCAROL');
    expect(iso(sat.next?.until)).toBe('2026-03-30T07:00:00.000Z');
    // a minute before and at the hand-off
    expect(onCallUser(rules.rotations, 'payments', new Date('2026-03-29T06:59:00Z'))).toBe('UBOB');
    expect(onCallUser(rules.rotations, 'payments', new Date('2026-03-29T07:00:00Z'))).toBe('UCAROL');
    // before the first shift: nobody, and the first member is next
    const before = onCallNow(rules.rotations, 'payments', new Date('2026-03-27T07:59:00Z'))!;
    expect(before.now.user).toBeUndefined();
    expect(before.next?.user).toBe('UALICE');
    expect(iso(before.next?.from)).toBe('2026-03-27T08:00:00.000Z');
  });

  it('a weekly rotation in New York keeps its Monday 10:00 hand-off across the autumn change (a 169 h shift)', () => {
    const rules = compile(
      rotation(
        '    rotation: weekly\n    handoff: "10:00"\n    time_zone: America/New_York\n    start: "2026-10-26"\n',
      ),
    );
    // 2026-11-01 02:00 EDT -> 01:00 EST
    const shift = onCallNow(rules.rotations, 'payments', new Date('2026-11-01T12:00:00Z'))!;
    expect(shift.now.user).toBe('UALICE');
    expect(iso(shift.now.from)).toBe('2026-10-26T14:00:00.000Z');
    expect(iso(shift.now.until)).toBe('2026-11-02T15:00:00.000Z');
    expect(shift.rotation.label).toBe('weekly, hand-off mon 10:00 America/New_York');
    // three weeks later the turn wraps around to the first member again
    expect(onCallUser(rules.rotations, 'payments', new Date('2026-11-17T12:00:00Z'))).toBe('UALICE');
  });

  it('a 12h rotation counts elapsed time from the first hand-off', () => {
    const rules = compile(
      rotation('    rotation: 12h\n    handoff: "08:00"\n    time_zone: UTC\n    start: "2026-01-01"\n'),
    );
    expect(onCallUser(rules.rotations, 'payments', new Date('2026-01-01T19:59:00Z'))).toBe('UALICE');
    expect(onCallUser(rules.rotations, 'payments', new Date('2026-01-01T20:00:00Z'))).toBe('UBOB');
    expect(onCallUser(rules.rotations, 'payments', new Date('2026-01-02T08:00:00Z'))).toBe('UCAROL');
  });

  it('an override puts someone else on call from its start to its end, and the next hand-off says so', () => {
    const rules = compile(
      rotation(
        '    rotation: daily\n    time_zone: UTC\n    start: "2026-01-01"\n    overrides:\n' +
          '      - {user: UDAVE, start: "2026-01-01T12:00:00Z", end: "2026-01-01T18:00:00Z"}\n' +
          '      - {user: UERIN, start: "2026-01-01T15:00:00Z", end: "2026-01-01T16:00:00Z"}\n',
      ),
    );
    const morning = onCallNow(rules.rotations, 'payments', new Date('2026-01-01T10:00:00Z'))!;
    expect(morning.now).toMatchObject({ user: 'UALICE', override: false });
    expect(iso(morning.now.until)).toBe('2026-01-01T12:00:00.000Z');
    expect(morning.next).toMatchObject({ user: 'UDAVE', override: true });
    expect(iso(morning.next?.until)).toBe('2026-01-01T15:00:00.000Z');
    // the later override wins inside the earlier one
    expect(onCallNow(rules.rotations, 'payments', new Date('2026-01-01T15:30:00Z'))!.now).toMatchObject({
      user: 'UERIN',
      override: true,
    });
    const after = onCallNow(rules.rotations, 'payments', new Date('2026-01-01T16:30:00Z'))!;
    expect(after.now.user).toBe('UDAVE');
    expect(iso(after.now.from)).toBe('2026-01-01T16:00:00.000Z');
    expect(after.next?.user).toBe('UALICE');
    expect(iso(after.next?.from)).toBe('2026-01-01T18:00:00.000Z');
    expect(onCallNow(rules.rotations, 'nobody', new Date())).toBeUndefined();
  });

  it('P1s routed to a team with a rotation mention its on-call; rules can mention any team with oncall:<team>', () => {
    const rules = compile(
      `${rotation('    rotation: daily\n    time_zone: UTC\n    start: "2026-01-01"\n')}` +
        '  - team: db\n    members: [UDBA]\n    rotation: weekly\n    time_zone: UTC\n    start: "2026-01-01"\n' +
        'rules:\n  - name: crit\n    match: [\'severity="critical"\']\n    weight: 100\n' +
        '  - name: db-warn\n    match: [\'service="db"\']\n    weight: 20\n    team: db\n    mentions: ["oncall:db", "U0OTHER"]\n',
    );
    const at = new Date('2026-01-02T10:00:00Z');
    const p1 = routeAlert(rules, { labels: { severity: 'critical', team: 'payments' }, annotations: {} }, at);
    expect(p1).toMatchObject({ priority: 'P1', team: 'payments', mentions: ['<@UBOB>'] });
    const p3 = routeAlert(rules, { labels: { service: 'db', team: 'payments' }, annotations: {} }, at);
    expect(p3).toMatchObject({ priority: 'P3', team: 'db', mentions: ['<@UDBA>', '<@U0OTHER>'] });
    const noTeam = routeAlert(rules, { labels: { severity: 'critical' }, annotations: {} }, at);
    expect(noTeam.mentions).toEqual([]);
  });

  it('reports bad rotations and unknown oncall teams at file:line:column, with "did you mean"', () => {
    expect(
      problems(
        rotation('    rotation: fortnightly\n    time_zone: Europe/Berlinn\n    start: "2026-02-30"\n'),
      ),
    ).toEqual([
      '60-oncall.yml:5:15: rotation "payments": "rotation" must be daily, weekly or a length of at least 1h such as "3d" or "12h", not "fortnightly"',
      '60-oncall.yml:6:16: rotation "payments": unknown time zone "Europe/Berlinn"; use an IANA name such as "Europe/Berlin", "America/New_York" or "UTC"',
      '60-oncall.yml:7:12: rotation "payments": date "2026-02-30" must be a calendar date YYYY-MM-DD, e.g. "2026-01-05"',
    ]);
    expect(problems(rotation('    rotaton: daily\n    time_zone: UTC\n    start: "2026-01-01"\n'))).toEqual([
      '60-oncall.yml:3:5: rotation "payments": missing required field "rotation" (a string or a number)',
      expect.stringMatching(
        /^60-oncall.yml:5:5: rotation "payments": unknown field "rotaton" \(did you mean "rotation"\?\)/,
      ),
    ]);
    const refs = problems(
      `${rotation('    rotation: daily\n    time_zone: UTC\n    start: "2026-01-01"\n')}` +
        'rules:\n  - name: r\n    mentions: ["oncall:paymnts"]\n',
    );
    expect(refs).toEqual([
      '60-oncall.yml:10:16: rule "r": team "paymnts" has no rotation under "rotations:" in any rule file (did you mean "oncall:payments"?); teams: payments',
    ]);
  });
});
