import { runAtOnce } from '../yielding';
import { parseJsonSteps } from './json-steps';

const parse = (text: string) => runAtOnce(parseJsonSteps(Buffer.from(text, 'utf8')));

/** Strings that look like structure, escapes, and multi-byte characters. */
function tricky(i: number): unknown {
  return {
    s: `a"b\\",[{}]:${i}\\\\`,
    u: `ü€😀 ${'x'.repeat(i % 7)}`,
    nested: [[1, [2, { k: ['v,]'] }]], {}, []],
    n: i % 3 === 0 ? null : -i / 7,
    t: i % 2 === 0,
  };
}

function bigDoc(n: number): Record<string, unknown> {
  return {
    version: '4',
    empty: [],
    alerts: Array.from({ length: n }, (_, i) => tricky(i)),
    obj: { alerts: [1, 2], '': 'empty key' },
    more: Array.from({ length: 50 }, (_, i) => i),
    last: 'end',
  };
}

describe('parseJsonSteps', () => {
  test('a large object parses to what JSON.parse gives, yielding in between', () => {
    const doc = bigDoc(3_000);
    const text = JSON.stringify(doc, null, 1);
    expect(text.length).toBeGreaterThan(600_000);
    const steps = parseJsonSteps(Buffer.from(text, 'utf8'));
    let yields = 0;
    let step = steps.next();
    for (; !step.done; step = steps.next()) yields++;
    expect(step.value).toEqual(JSON.parse(text));
    expect(yields).toBeGreaterThan(10);
    expect(parse(JSON.stringify(doc))).toEqual(doc);
  });

  test('duplicate keys keep the last value, as JSON.parse does; __proto__ stays an own key', () => {
    const pad = 'x'.repeat(300_000);
    const text = `{"a":1,"pad":"${pad}","a":[2,3],"__proto__":{"polluted":true}}`;
    const got = parse(text) as Record<string, unknown>;
    expect(got).toEqual(JSON.parse(text));
    expect(Object.getPrototypeOf(got)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('what is not a large object is JSON.parse’s own business', () => {
    expect(parse('{"a":[1,2]}')).toEqual({ a: [1, 2] });
    const array = JSON.stringify(Array.from({ length: 30_000 }, (_, i) => i));
    expect(parse(array)).toEqual(JSON.parse(array));
    expect(parse(` {} ${' '.repeat(300_000)}`)).toEqual({});
  });

  test.each([
    ['a missing comma', (t: string) => t.replace(',"last"', ' "last"')],
    ['a trailing comma in the array', (t: string) => t.replace(/\]\s*,\s*"obj"/, ',],"obj"')],
    ['garbage after the object', (t: string) => `${t} x`],
    ['a bad element', (t: string) => t.replace('"t":true', '"t":tru')],
    ['an unclosed string', (t: string) => t.replace(/"end"}$/, '"end}')],
    ['a number key', (t: string) => t.replace('"version"', '4')],
    ['something after the array', (t: string) => t.replace(/\]\s*,\s*"obj"/, '] 1,"obj"')],
    ['a byte-order mark', (t: string) => `\uFEFF${t}`],
  ])('a large body with %s is a SyntaxError', (_name, spoil) => {
    const text = spoil(JSON.stringify(bigDoc(3_000)));
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
    expect(() => parse(text)).toThrow(SyntaxError);
  });
});
