import { compileRules } from './compile';
import { formatProblem } from './types';

/** Every problem of one in-memory file "10-x.yml", formatted. */
function problems(content: string): string[] {
  const result = compileRules([{ path: '10-x.yml', content }]);
  return result.ok ? [] : result.problems.map(formatProblem);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const rule = (fields: string) => `version: 1\nrules:\n  - name: a\n${fields}`;
const windowFile = (fields: string) => `version: 1\nwindows:\n  - name: w\n${fields}`;
const maintenance = (fields: string) =>
  `version: 1\nmaintenance:\n  - name: m\n    action: hold\n    start: "2026-01-01T00:00:00Z"\n    end: "2026-01-02T00:00:00Z"\n${fields}`;
const WEBHOOK = '    backend: webhook\n    settings: {url: "https://x.invalid", secret_env: X_SECRET}\n';

describe('every kind of invalid new field is reported with its message at file:line:column', () => {
  test.each<[string, string, string]>([
    // defaults
    [
      'label_weights: bad label name',
      'version: 1\ndefaults:\n  label_weights:\n    "team-name": {db: 1}\n',
      '10-x.yml:4:5: key "team-name" in "defaults.label_weights" must be a label name',
    ],
    [
      'label_weights: weight not a number',
      'version: 1\ndefaults:\n  label_weights:\n    severity: {critical: high}\n',
      '10-x.yml:4:26: "defaults.label_weights.severity.critical" must be a number, not the string "high"',
    ],
    [
      'label_weights: not a mapping',
      'version: 1\ndefaults:\n  label_weights: [severity]\n',
      '10-x.yml:3:18: "defaults.label_weights" must be a mapping (key: value), not a list',
    ],
    [
      'channels: unknown priority',
      'version: 1\ndefaults:\n  channels: {P0: "#x"}\n',
      '10-x.yml:3:14: unknown field "P0" in "defaults.channels" (did you mean "P1"?); allowed: P1, P2, P3, P4',
    ],
    [
      'channels: bad channel',
      'version: 1\ndefaults:\n  channels: {P1: "incidents"}\n',
      '10-x.yml:3:18: channel "incidents" must be a channel name starting with "#"',
    ],
    // rules
    [
      'multiply: zero',
      rule('    multiply: 0\n'),
      '10-x.yml:4:15: rule "a": "multiply" must be greater than 0, not 0',
    ],
    [
      'multiply: too big',
      rule('    multiply: 1000\n'),
      '10-x.yml:4:15: rule "a": "multiply" must be at most 100, not 1000',
    ],
    [
      'multiply: a string',
      rule('    multiply: "x2"\n'),
      '10-x.yml:4:15: rule "a": "multiply" must be a number, not the string "x2"',
    ],
    [
      'notify: not a boolean',
      rule('    notify: "off"\n'),
      '10-x.yml:4:13: rule "a": "notify" must be true or false, not the string "off"',
    ],
    [
      'rollback_target: empty',
      rule('    rollback_target: ""\n'),
      '10-x.yml:4:22: rule "a": "rollback_target" must not be empty',
    ],
    [
      'when: neither inside nor outside',
      rule('    when: {}\n'),
      '10-x.yml:4:11: rule "a": "when" needs exactly one of "inside" or "outside"',
    ],
    [
      'when: both',
      'version: 1\nwindows: [{name: w}]\nrules:\n  - name: a\n    when: {inside: w, outside: w}\n',
      '10-x.yml:5:11: rule "a": "when" needs exactly one of "inside" or "outside"',
    ],
    [
      'when: unknown field',
      rule('    when: {inside: {from: "09:00", tz: UTC}}\n'),
      '10-x.yml:4:36: rule "a": unknown field "tz" in "when.inside" (did you mean "to"?); allowed: days, from, to, time_zone',
    ],
    [
      'when: a number',
      rule('    when: {inside: 5}\n'),
      '10-x.yml:4:20: rule "a": "when.inside" must be a string or a mapping (key: value), not 5',
    ],
    [
      'boost: no condition',
      rule('    boost: {weight: 5}\n'),
      '10-x.yml:4:12: rule "a": "boost" needs a condition: "firing_for" (e.g. 30m) and/or "refires" (e.g. 3)',
    ],
    [
      'boost: no weight',
      rule('    boost: {firing_for: 30m}\n'),
      '10-x.yml:4:12: rule "a": missing required field "boost.weight" (a number)',
    ],
    [
      'boost: duration without unit',
      rule('    boost: {weight: 5, firing_for: 30}\n'),
      '10-x.yml:4:36: rule "a": duration 30 needs a unit (s, m, h, d, w), e.g. "30m"',
    ],
    [
      'boost: bad duration',
      rule('    boost: {weight: 5, firing_for: half an hour}\n'),
      '10-x.yml:4:36: rule "a": duration "half an hour" must be a number with a unit',
    ],
    [
      'boost: refires zero',
      rule('    boost: {weight: 5, refires: 0}\n'),
      '10-x.yml:4:33: rule "a": "boost.refires" must be at least 1, not 0',
    ],
    // windows
    [
      'window: bad day',
      windowFile('    days: [mon, fri-sin]\n'),
      '10-x.yml:4:17: window "w": day "fri-sin" must be a weekday',
    ],
    [
      'window: no days',
      windowFile('    days: []\n'),
      '10-x.yml:4:11: window "w": "days" must have at least 1 entry',
    ],
    [
      'window: bad from',
      windowFile('    from: "9 am"\n'),
      '10-x.yml:4:11: window "w": time "9 am" must be HH:MM on a 24-hour clock',
    ],
    [
      'window: from 24:00',
      windowFile('    from: "24:00"\n'),
      '10-x.yml:4:11: window "w": time "24:00" must be HH:MM',
    ],
    [
      'window: empty',
      windowFile('    from: "10:00"\n    to: "10:00"\n'),
      '10-x.yml:5:9: window "w": "from" and "to" are both "10:00", so the window is empty',
    ],
    [
      'window: unknown time zone',
      windowFile('    time_zone: CEST\n'),
      '10-x.yml:4:16: window "w": unknown time zone "CEST"; use an IANA name such as "Europe/Berlin"',
    ],
    [
      'window: unknown field',
      windowFile('    timezone: UTC\n'),
      '10-x.yml:4:5: window "w": unknown field "timezone" (did you mean "time_zone"?); allowed: name, days, from, to, time_zone',
    ],
    [
      'window: missing name',
      'version: 1\nwindows:\n  - from: "09:00"\n',
      '10-x.yml:3:5: window #1: missing required field "name" (a string)',
    ],
    // maintenance
    [
      'maintenance: bad action',
      'version: 1\nmaintenance:\n  - name: m\n    action: mute\n',
      '10-x.yml:4:13: maintenance "m": "action" must be one of "hold", "downgrade", not the string "mute"',
    ],
    [
      'maintenance: missing action',
      'version: 1\nmaintenance:\n  - name: m\n    window: {days: [sun]}\n',
      '10-x.yml:3:5: maintenance "m": missing required field "action" (one of "hold", "downgrade")',
    ],
    [
      'maintenance: no time',
      'version: 1\nmaintenance:\n  - name: m\n    action: hold\n',
      '10-x.yml:3:5: maintenance "m": missing "start": a maintenance window needs "start" and "end" (RFC 3339), or a recurring "window"',
    ],
    [
      'maintenance: start without offset',
      maintenance('').replace('"2026-01-01T00:00:00Z"', '"2026-01-01T00:00:00"'),
      '10-x.yml:5:12: maintenance "m": time "2026-01-01T00:00:00" must be an RFC 3339 timestamp with an offset',
    ],
    [
      'maintenance: end before start',
      maintenance('').replace('2026-01-02', '2025-12-31'),
      '10-x.yml:6:10: maintenance "m": "end" must be after "start"',
    ],
    [
      'maintenance: both window and start/end',
      maintenance('    window: {days: [sun]}\n'),
      '10-x.yml:7:13: maintenance "m": give either "start" and "end" or "window", not both',
    ],
    [
      'maintenance: downgrade_by with hold',
      maintenance('    downgrade_by: 1\n'),
      '10-x.yml:7:19: maintenance "m": "downgrade_by" only applies with "action: downgrade"',
    ],
    [
      'maintenance: downgrade_by out of range',
      maintenance('    downgrade_by: 4\n').replace('action: hold', 'action: downgrade'),
      '10-x.yml:7:19: maintenance "m": "downgrade_by" must be at most 3, not 4',
    ],
    [
      'maintenance: bad matcher',
      maintenance("    match: ['service']\n"),
      '10-x.yml:7:13: maintenance "m": invalid matcher \'service\'',
    ],
    // targets and roles (schema from src/rollback/config-schema.ts)
    [
      'target: unknown backend',
      'version: 1\ntargets:\n  - name: t\n    backend: jenkins\n',
      '10-x.yml:4:14: target "t": "backend" must be one of "github-actions", "argocd", "kubernetes", "webhook", not the string "jenkins"',
    ],
    [
      'target: bad name',
      `version: 1\ntargets:\n  - name: API\n${WEBHOOK}`,
      '10-x.yml:3:11: target "API": "name" must be lowercase letters, digits, ".", "_" or "-"',
    ],
    [
      'target: unknown setting for its backend',
      'version: 1\ntargets:\n  - name: t\n    backend: argocd\n    settings: {server: "https://argo.invalid", application: a, namespace: x}\n',
      '10-x.yml:5:64: target "t": unknown field "namespace" in "settings"',
    ],
    [
      'target: bad url',
      'version: 1\ntargets:\n  - name: t\n    backend: webhook\n    settings: {url: deploy, secret_env: X}\n',
      '10-x.yml:5:21: target "t": "settings.url" must be a URL (https://…), not the string "deploy"',
    ],
    [
      'target: missing settings',
      'version: 1\ntargets:\n  - name: t\n    backend: webhook\n',
      '10-x.yml:3:5: target "t": missing required field "settings" (a mapping (key: value))',
    ],
    [
      'role: bad user id',
      'version: 1\nroles:\n  - name: r\n    users: ["@alice"]\n    permissions: [{action: rollback}]\n',
      '10-x.yml:4:13: role "r": "users[0]" must be a Slack user id like U0123ABCD',
    ],
    [
      'role: no permissions',
      'version: 1\nroles:\n  - name: r\n    permissions: []\n',
      '10-x.yml:4:18: role "r": "permissions" must have at least 1 entry',
    ],
    [
      'role: bad action',
      'version: 1\nroles:\n  - name: r\n    permissions: [{action: deploy}]\n',
      '10-x.yml:4:28: role "r": "permissions[0].action" must be one of "rollback", "approve", ',
    ],
  ])('%s', (_kind, content, expected) => {
    const all = problems(content);
    expect(all.find((p) => p.startsWith(expected)) ?? all.join('\n')).toMatch(
      new RegExp(`^${escapeRegExp(expected)}`),
    );
  });

  it('a bad role action names every action there is and what was given', () => {
    // the list grows with features (ack, silence, declare…): checked against the schema, not spelled out here
    const [p] = problems('version: 1\nroles:\n  - name: r\n    permissions: [{action: deploy}]\n');
    expect(p).toMatch(
      /^10-x\.yml:4:28: role "r": "permissions\[0\]\.action" must be one of ("[a-z_]+", )+not the string "deploy"$/,
    );
  });

  test('a file using every new field correctly is valid', () => {
    const content = `
version: 1
defaults:
  channels: {P1: "#incidents"}
  label_weights: {severity: {critical: 80}}
windows:
  - {name: office, days: [mon-fri], from: "09:00", to: "18:00", time_zone: Europe/Berlin}
rules:
  - name: a
    multiply: 1.5
    when: {outside: office}
    boost: {weight: 10, firing_for: 1h30m, refires: 2}
    notify: true
    rollback_target: t
maintenance:
  - {name: m, action: downgrade, downgrade_by: 2, window: office, reason: deploys}
targets:
  - name: t
${WEBHOOK}roles:
  - {name: r, users: [U0A], permissions: [{action: rollback, targets: [t]}]}
`;
    expect(problems(content)).toEqual([]);
  });
});
