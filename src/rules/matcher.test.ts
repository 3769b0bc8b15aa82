import { formatMatcher, type Matcher, matchesAll, parseMatchers } from './matcher';

function parse(s: string): Matcher[] {
  const r = parseMatchers(s);
  if (!r.ok) throw new Error(r.error);
  return r.matchers;
}

function parseError(s: string): string {
  const r = parseMatchers(s);
  if (r.ok) throw new Error(`expected '${s}' to be rejected`);
  return r.error;
}

const matchesLabels = (s: string, labels: Record<string, string>) => matchesAll(parse(s), labels);

describe('matcher operators', () => {
  test.each([
    ['severity="critical"', { severity: 'critical' }, true],
    ['severity="critical"', { severity: 'warning' }, false],
    ['severity!="critical"', { severity: 'warning' }, true],
    ['severity!="critical"', { severity: 'critical' }, false],
    ['severity=~"crit.*"', { severity: 'critical' }, true],
    ['severity=~"crit.*"', { severity: 'warning' }, false],
    ['severity!~"crit.*"', { severity: 'warning' }, true],
    ['severity!~"crit.*"', { severity: 'critical' }, false],
  ])('%s against %j -> %s', (matcher, labels, expected) => {
    expect(matchesLabels(matcher, labels)).toBe(expected);
  });
});

describe('Alertmanager semantics', () => {
  test('an absent label reads as the empty string', () => {
    expect(matchesLabels('team=""', {})).toBe(true);
    expect(matchesLabels('team=""', { team: 'db' })).toBe(false);
    expect(matchesLabels('team!=""', {})).toBe(false);
    expect(matchesLabels('team!=""', { team: 'db' })).toBe(true);
    expect(matchesLabels('team=~".*"', {})).toBe(true);
    expect(matchesLabels('team=~".+"', {})).toBe(false);
    expect(matchesLabels('team!~"db"', {})).toBe(true);
  });

  test('inherited object members are not labels', () => {
    expect(matchesLabels('constructor=""', {})).toBe(true);
    expect(matchesLabels('toString!=""', {})).toBe(false);
  });

  test('regexes are fully anchored', () => {
    expect(matchesLabels('job=~"foo"', { job: 'foobar' })).toBe(false);
    expect(matchesLabels('job=~"foo"', { job: 'barfoo' })).toBe(false);
    expect(matchesLabels('job=~"foo"', { job: 'foo' })).toBe(true);
    expect(matchesLabels('job=~"a|b"', { job: 'ab' })).toBe(false);
    expect(matchesLabels('job=~"a|b"', { job: 'b' })).toBe(true);
    expect(matchesLabels('job!~"foo"', { job: 'foobar' })).toBe(true);
  });

  test('UTF-8 values match by code point', () => {
    expect(matchesLabels('team="Zürich 🚀"', { team: 'Zürich 🚀' })).toBe(true);
    expect(matchesLabels('team=~"Z.rich ."', { team: 'Zürich 🚀' })).toBe(true);
    expect(matchesLabels('team=~"\\p{L}+"', { team: '東京' })).toBe(true);
  });

  test('escaped quotes, backslashes and newlines in quoted values', () => {
    expect(parse('msg="say \\"hi\\""')[0]!.value).toBe('say "hi"');
    expect(parse('path="C:\\\\temp"')[0]!.value).toBe('C:\\temp');
    expect(parse('msg="a\\nb"')[0]!.value).toBe('a\nb');
    expect(matchesLabels('msg="say \\"hi\\""', { msg: 'say "hi"' })).toBe(true);
  });

  test('other backslashes stay literal, so regex escapes work inside quotes', () => {
    expect(parse('code=~"\\d+"')[0]!.value).toBe('\\d+');
    expect(matchesLabels('code=~"\\d+"', { code: '503' })).toBe(true);
    expect(matchesLabels('code=~"\\d+"', { code: '5x' })).toBe(false);
  });

  test('unquoted values and surrounding whitespace', () => {
    expect(parse('severity=critical')[0]).toMatchObject({ name: 'severity', type: '=', value: 'critical' });
    expect(parse('  severity  !=  "critical"  ')[0]).toMatchObject({ type: '!=', value: 'critical' });
    expect(parse('env=~prod.*')[0]!.re!.test('production')).toBe(true);
    expect(parse('x=""')[0]!.value).toBe('');
    expect(parse('x=')[0]!.value).toBe('');
  });

  test('several matchers in one string, with or without braces; commas inside quotes are values', () => {
    const ms = parse('{severity="critical", env=~"prod|staging"}');
    expect(ms.map(formatMatcher)).toEqual(['severity="critical"', 'env=~"prod|staging"']);
    expect(parse('a="1",b!="2"')).toHaveLength(2);
    expect(parse('a="x,y"')[0]!.value).toBe('x,y');
  });

  test('a leading (?i) makes the regex case-insensitive', () => {
    expect(matchesLabels('severity=~"(?i)critical"', { severity: 'CRITICAL' })).toBe(true);
    expect(matchesLabels('severity=~"critical"', { severity: 'CRITICAL' })).toBe(false);
  });

  test('formatMatcher quotes values so that they parse back to the same matcher', () => {
    const m = parse('msg=~"say \\"(hi|ho)\\"\\s"')[0]!;
    expect(parse(formatMatcher(m))[0]!.value).toBe(m.value);
  });
});

describe('invalid matchers', () => {
  test.each([
    ['', /it is empty/],
    ['severity', /expected <label><operator><value>/],
    ['severity=="x"', /unescaped double quote/],
    ['="x"', /missing label name/],
    ['1abc="x"', /label name "1abc" is invalid/],
    ['a-b="x"', /expected <label><operator><value>|label name "a-b"/],
    ['foo="a"b"', /unescaped double quote/],
    ['foo="abc', /unescaped double quote/],
    ['foo="abc\\"', /unescaped double quote/],
    ['{a="b"', /missing closing "}"/],
    ['{}', /holds no matchers/],
    ['a="b",,c="d"', /expected <label><operator><value>/],
    [
      'severity=~"(crit"',
      /^invalid matcher 'severity=~"\(crit"': invalid regular expression: unterminated group/,
    ],
    ['x=~"a{"', /invalid regular expression/],
    ['x=~"(?m)a"', /inline flags \(\?m\) are not supported/],
  ])('%j is rejected: %s', (input, message) => {
    expect(parseError(input)).toMatch(message);
  });

  test('regexes are compiled once, at parse time', () => {
    const [m] = parse('x=~"a+"');
    expect(m!.re).toBeInstanceOf(RegExp);
    expect(m!.re!.source).toBe('^(?:a+)$');
    expect(m!.re!.flags).toContain('u');
  });

  test('regexes longer than 1000 characters are rejected', () => {
    expect(parseError(`x=~"${'a'.repeat(1001)}"`)).toMatch(/1001 characters long; the limit is 1000/);
    expect(parseMatchers(`x=~"${'a'.repeat(1000)}"`).ok).toBe(true);
  });
});
