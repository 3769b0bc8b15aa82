import { compileRules } from './compile';
import { formatProblem } from './types';

/** Every problem of one in-memory file "10-x.yml", formatted. */
function problems(content: string): string[] {
  const result = compileRules([{ path: '10-x.yml', content }]);
  return result.ok ? [] : result.problems.map(formatProblem);
}

describe('every kind of invalid file is reported at file:line:column', () => {
  test.each<[string, string, string]>([
    ['YAML syntax error', 'version: 1\nrules:\n  - name: [a\n  - b\n', '10-x.yml:4:3: YAML syntax error: '],
    [
      'duplicate YAML key',
      'version: 1\nversion: 1\n',
      '10-x.yml:2:1: YAML syntax error: Map keys must be unique',
    ],
    [
      'empty file',
      '# only a comment\n',
      '10-x.yml:1:1: the file is empty; a rule file starts with "version: 1"',
    ],
    ['not a mapping', '- a\n', '10-x.yml:1:1: a rule file must be a mapping'],
    ['missing version', 'rules: []\n', '10-x.yml:1:1: missing required field "version": add "version: 1"'],
    [
      'wrong version',
      'version: 3\nrules: 7\n',
      '10-x.yml:1:10: unsupported version 3; supported versions: 1',
    ],
    [
      'wrong type',
      'version: 1\nrules:\n  - name: a\n    continue: "no"\n',
      '10-x.yml:4:15: rule "a": "continue" must be true or false, not the string "no"',
    ],
    [
      'rules not a list',
      'version: 1\nrules: {a: 1}\n',
      '10-x.yml:2:8: "rules" must be a list, not a mapping',
    ],
    [
      'match not a list',
      'version: 1\nrules:\n  - name: a\n    match: \'severity="critical"\'\n',
      `10-x.yml:4:12: rule "a": "match" must be a list, not the string 'severity="critical"'`,
    ],
    [
      'rule not a mapping',
      'version: 1\nrules:\n  - just-a-name\n',
      '10-x.yml:3:5: rule #1: must be a mapping (key: value), not the string "just-a-name"',
    ],
    [
      'missing name',
      'version: 1\nrules:\n  - weight: 3\n',
      '10-x.yml:3:5: rule #1: missing required field "name" (a string)',
    ],
    [
      'unknown field',
      'version: 1\nrules:\n  - name: a\n    wieght: 3\n',
      '10-x.yml:4:5: rule "a": unknown field "wieght" (did you mean "weight"?); allowed: name, match, weight, multiply, when, boost, channel, mentions, notify, rollup, rollback_target, continue, team, escalation',
    ],
    [
      'unknown top-level field',
      'version: 1\nrule: []\n',
      '10-x.yml:2:1: unknown field "rule" (did you mean "rules"?)',
    ],
    [
      'bad matcher',
      "version: 1\nrules:\n  - name: a\n    match: ['severity']\n",
      `10-x.yml:4:13: rule "a": invalid matcher 'severity': expected <label><operator><value>`,
    ],
    [
      'bad regex',
      'version: 1\nrules:\n  - name: db-down\n    match:\n      - \'severity=~"(crit"\'\n',
      `10-x.yml:5:9: rule "db-down": invalid matcher 'severity=~"(crit"': invalid regular expression: unterminated group`,
    ],
    [
      'pathological regex',
      'version: 1\nrules:\n  - name: a\n    match: [\'job=~"(a+)+"\']\n',
      '10-x.yml:4:13: rule "a": invalid matcher \'job=~"(a+)+"\': nested quantifier "(a+)+" can backtrack catastrophically',
    ],
    [
      'fractional weight',
      'version: 1\nrules:\n  - name: a\n    weight: 1.5\n',
      '10-x.yml:4:13: rule "a": "weight" must be a whole number, not 1.5',
    ],
    [
      'weight out of range',
      'version: 1\nrules:\n  - name: a\n    weight: 2000000\n',
      '10-x.yml:4:13: rule "a": "weight" must be between -1000000 and 1000000',
    ],
    [
      'bad channel',
      'version: 1\nrules:\n  - name: a\n    channel: alerts\n',
      '10-x.yml:4:14: rule "a": channel "alerts" must be a channel name starting with "#"',
    ],
    [
      'bad mention',
      'version: 1\ndefaults:\n  mentions:\n    P1: ["@alice"]\n',
      '10-x.yml:4:10: mention "@alice" must be a Slack user id',
    ],
    [
      'thresholds not descending',
      'version: 1\ndefaults:\n  thresholds: {P1: 50, P2: 60, P3: 10}\n',
      '10-x.yml:3:28: thresholds must descend: P2 (60) must be lower than P1 (50)',
    ],
    [
      'missing threshold',
      'version: 1\ndefaults:\n  thresholds: {P1: 50, P2: 40}\n',
      '10-x.yml:3:15: missing required field "defaults.thresholds.P3" (a number)',
    ],
    [
      'unknown priority',
      'version: 1\ndefaults:\n  notify: {P5: true}\n',
      '10-x.yml:3:12: unknown field "P5" in "defaults.notify"',
    ],
  ])('%s', (_kind, content, expected) => {
    const [first] = problems(content);
    expect(first).toContain(expected);
  });

  test('an unknown field far from any known one gets no suggestion', () => {
    expect(problems('version: 1\nrules:\n  - name: a\n    colour: red\n')).toEqual([
      '10-x.yml:4:5: rule "a": unknown field "colour"; allowed: name, match, weight, multiply, when, boost, channel, mentions, notify, rollup, rollback_target, continue, team, escalation',
    ]);
  });

  test('a file that only has version is valid', () => {
    expect(problems('version: 1\n')).toEqual([]);
  });
});
