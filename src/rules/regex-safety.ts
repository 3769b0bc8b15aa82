/**
 * A cheap guard against regular expressions that can backtrack catastrophically in JavaScript's engine
 * (Alertmanager uses Go's RE2, which cannot; V8's backtracking engine can, and one bad rule would stall
 * routing for every alert). It is a heuristic, deliberately conservative:
 *
 * - a repeated group that itself contains a repetition, e.g. `(a+)+`, `(a*)*`, `(\w+\s?)*`, `(?:x+){2,}`,
 *   is rejected, even the few such patterns that happen to be safe; rewrite them without the nesting;
 * - backreferences (`\1`, `\k<name>`) and lookarounds (`(?=`, `(?!`, `(?<=`, `(?<!`) are rejected: RE2 does not
 *   support them either, so a rule using them would not mean the same thing in Alertmanager.
 *
 * Overlapping alternatives such as `(a|a)+` are not detected.
 */
interface Group {
  start: number;
  /** The group's body contains a quantifier that repeats (*, +, {n,} or {n,m} with m > 1). */
  repeats: boolean;
}

interface Quantifier {
  length: number;
  repeats: boolean;
}

/** Returns a problem description, or undefined when the pattern looks safe. */
export function checkRegexSafety(pattern: string): string | undefined {
  const stack: Group[] = [{ start: 0, repeats: false }];
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i]!;
    if (ch === '\\') {
      const next = pattern[i + 1] ?? '';
      if (/[1-9]/.test(next) || next === 'k') {
        return `backreferences such as "\\${next}" are not supported (Alertmanager's RE2 engine has none)`;
      }
      i += 2;
      i += markQuantifier(pattern, i, stack);
      continue;
    }
    if (ch === '[') {
      i = skipClass(pattern, i);
      i += markQuantifier(pattern, i, stack);
      continue;
    }
    if (ch === '(') {
      if (/^\(\?(?:=|!|<=|<!)/.test(pattern.slice(i, i + 4))) {
        return "lookahead and lookbehind groups are not supported (Alertmanager's RE2 engine has none)";
      }
      stack.push({ start: i, repeats: false });
      i += pattern[i + 1] === '?' ? 2 : 1;
      continue;
    }
    if (ch === ')' && stack.length > 1) {
      const group = stack.pop()!;
      const q = readQuantifier(pattern, i + 1);
      if (q?.repeats && group.repeats) {
        const snippet = pattern.slice(group.start, i + 1 + q.length);
        return `nested quantifier "${snippet}" can backtrack catastrophically; rewrite it without repeating a repetition`;
      }
      const parent = stack[stack.length - 1]!;
      parent.repeats ||= group.repeats || (q?.repeats ?? false);
      i += 1 + (q?.length ?? 0);
      continue;
    }
    i += 1;
    i += markQuantifier(pattern, i, stack);
  }
  return undefined;
}

/** Records a quantifier applied to the atom just before `at`; returns how many characters it spans. */
function markQuantifier(pattern: string, at: number, stack: Group[]): number {
  const q = readQuantifier(pattern, at);
  if (!q) return 0;
  if (q.repeats) stack[stack.length - 1]!.repeats = true;
  return q.length;
}

function readQuantifier(pattern: string, at: number): Quantifier | undefined {
  const ch = pattern[at];
  const lazy = (n: number) => (pattern[at + n] === '?' ? n + 1 : n);
  if (ch === '*' || ch === '+') return { length: lazy(1), repeats: true };
  if (ch === '?') return { length: lazy(1), repeats: false };
  if (ch === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(at, at + 24));
    if (!m) return undefined;
    const max = m[2] === undefined ? Number(m[1]) : m[3] === '' ? Number.POSITIVE_INFINITY : Number(m[3]);
    return { length: lazy(m[0].length), repeats: max > 1 };
  }
  return undefined;
}

/** Index just past the character class opening at `at` (escapes inside it are skipped). */
function skipClass(pattern: string, at: number): number {
  let i = at + 1;
  if (pattern[i] === '^') i++;
  while (i < pattern.length && pattern[i] !== ']') i += pattern[i] === '\\' ? 2 : 1;
  return i + 1;
}
