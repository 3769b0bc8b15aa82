import { checkRegexSafety } from './regex-safety';

describe('checkRegexSafety', () => {
  test.each([
    '(a+)+',
    '(a*)*',
    '(?:a+)*',
    '(\\w+\\s?)*',
    '(x+){2,}',
    '(x+){1,10}',
    '((ab)+c)+',
    '(a|[bc]+)+',
    'prefix-(a+)+-suffix',
  ])('rejects nested quantifier %s', (re) => {
    expect(checkRegexSafety(re)).toMatch(/nested quantifier .* can backtrack catastrophically/);
  });

  test.each([
    'prod.*',
    'Watchdog|InfoInhibitor',
    '(a+)?',
    '(a+){1}',
    '(ab)+',
    '(?:api|web)-\\d+',
    '[(+*]+',
    '\\(a+\\)+',
    'a{2,5}b*',
    '(a+)(b+)',
  ])('accepts %s', (re) => {
    expect(checkRegexSafety(re)).toBeUndefined();
  });

  test('rejects what RE2 (Alertmanager) does not support: backreferences and lookarounds', () => {
    expect(checkRegexSafety('(a)\\1')).toMatch(/backreferences/);
    expect(checkRegexSafety('foo(?=bar)')).toMatch(/lookahead and lookbehind/);
    expect(checkRegexSafety('(?<!x)y')).toMatch(/lookahead and lookbehind/);
  });
});
