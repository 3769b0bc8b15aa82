import { runAtOnce } from '../yielding';
import { parseJsonSteps } from './json-steps';

/**
 * The sliced parser must never accept what JSON.parse refuses, nor read a body differently. Random edits at
 * structural bytes (the ones the scan splits on) of a large body, each compared with JSON.parse.
 */
const STRUCTURAL = '{}[],:"\\';

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const element = (i: number) => ({
  labels: { alertname: `A${i}`, 'quo"te': `x\\",]}{[${i}`, uni: 'ü€😀' },
  list: [i, [i, { k: [] }], {}, null, true],
  s: i % 2 ? 'a,b:c' : '',
});
const doc = () => ({
  version: '4',
  alerts: Array.from({ length: 2_400 }, (_, i) => element(i)),
  commonLabels: { a: '[' },
  tail: [1, 2, 3],
});
const base = JSON.stringify(doc());

/** A valid body whose strings are made of structural bytes, laid out with random whitespace. */
function validVariant(rand: () => number): string {
  const d = doc();
  for (let k = 0; k < 20; k++) {
    const a = d.alerts[Math.floor(rand() * d.alerts.length)]!;
    a.s = Array.from({ length: 1 + Math.floor(rand() * 12) }, () => STRUCTURAL[Math.floor(rand() * 8)]).join(
      '',
    );
  }
  return JSON.stringify(d, null, Math.floor(rand() * 3));
}

function outcome(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

describe('parseJsonSteps against JSON.parse, on randomly spoiled large bodies', () => {
  test('the base body is large enough to take the sliced path', () => {
    expect(base.length).toBeGreaterThan(256 * 1024);
  });

  test('60 random edits: the same value or both a SyntaxError', () => {
    const rand = seeded(20261204);
    const positions: number[] = [];
    for (let i = 0; i < base.length; i++) if (STRUCTURAL.includes(base[i]!)) positions.push(i);
    const seen = { valid: 0, invalid: 0 };
    for (let run = 0; run < 60; run++) {
      let text = run % 2 === 0 ? base : validVariant(rand);
      const edits = run % 4 === 1 ? 0 : 1 + Math.floor(rand() * 3);
      for (let e = 0; e < edits; e++) {
        const at = positions[Math.floor(rand() * positions.length)]!;
        const other = STRUCTURAL[Math.floor(rand() * STRUCTURAL.length)]!;
        const kind = Math.floor(rand() * 3);
        text =
          kind === 0
            ? text.slice(0, at) + text.slice(at + 1) // delete
            : kind === 1
              ? text.slice(0, at) + other + text.slice(at) // insert
              : text.slice(0, at) + other + text.slice(at + 1); // replace
      }
      // the body as bytes: an edit may split a surrogate pair, which UTF-8 encoding turns into U+FFFD
      const body = Buffer.from(text, 'utf8');
      const expected = outcome(body.toString('utf8'));
      seen[expected.ok ? 'valid' : 'invalid']++;
      let got: { ok: true; value: unknown } | { ok: false; err: unknown };
      try {
        got = { ok: true, value: runAtOnce(parseJsonSteps(body)) };
      } catch (err) {
        got = { ok: false, err };
      }
      if (!expected.ok) {
        expect(got.ok).toBe(false);
        if (!got.ok) expect(got.err).toBeInstanceOf(SyntaxError);
      } else {
        // same members in the same order with the same values (a deep toEqual of 300 KB is the slow part)
        expect(got.ok).toBe(true);
        if (got.ok) expect(JSON.stringify(got.value)).toBe(JSON.stringify(expected.value));
      }
    }
    // both sides of the comparison were exercised
    expect(seen.valid).toBeGreaterThan(5);
    expect(seen.invalid).toBeGreaterThan(5);
  });
});
