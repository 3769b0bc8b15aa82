/**
 * Alertmanager label matchers: `name="value"`, `name!="value"`, `name=~"regex"`, `name!~"regex"`.
 *
 * Parsing follows Alertmanager's classic matcher parser (pkg/labels/parse.go) so a matcher copied from an
 * Alertmanager route or silence means the same thing here: values may be quoted (with \" \\ and \n escapes;
 * any other backslash stays literal, so `=~"\d+"` works) or unquoted, one string may hold several matchers
 * separated by commas, optionally in braces, regexes are anchored as `^(?:re)$`, and a missing label reads
 * as the empty string. Label names are Prometheus label names.
 */
import { checkRegexSafety } from './regex-safety';

export type MatchType = '=' | '!=' | '=~' | '!~';

export interface Matcher {
  readonly name: string;
  readonly type: MatchType;
  /** The unescaped value; for regex matchers the pattern as written (before anchoring). */
  readonly value: string;
  /** Compiled once at load, anchored; undefined for `=` and `!=`. */
  readonly re: RegExp | undefined;
}

export type ParseResult = { ok: true; matchers: Matcher[] } | { ok: false; error: string };

export const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** Go's \s, which Alertmanager's matcher regex uses (narrower than JavaScript's \s). */
const MATCHER = /^[\t\n\f\r ]*([^=!~\t\n\f\r ]*)[\t\n\f\r ]*(=~|=|!=|!~)[\t\n\f\r ]*([\s\S]*?)[\t\n\f\r ]*$/;
export const MAX_REGEX_LENGTH = 1000;

/** Parses one matcher string, which may hold several comma-separated matchers, e.g. `{a="b", c=~"d|e"}`. */
export function parseMatchers(input: string): ParseResult {
  let s = input.trim();
  if (s === '') return { ok: false, error: `invalid matcher '${input}': it is empty` };
  if (s.startsWith('{')) {
    if (!s.endsWith('}')) return { ok: false, error: `invalid matcher '${input}': missing closing "}"` };
    s = s.slice(1, -1);
  }
  const matchers: Matcher[] = [];
  for (const token of splitMatchers(s)) {
    const m = parseMatcher(token);
    if (typeof m === 'string') return { ok: false, error: `invalid matcher '${token.trim()}': ${m}` };
    matchers.push(m);
  }
  if (matchers.length === 0) return { ok: false, error: `invalid matcher '${input}': it holds no matchers` };
  return { ok: true, matchers };
}

/** Splits on commas outside double quotes, tracking backslash escapes the way Alertmanager does. */
function splitMatchers(s: string): string[] {
  const tokens: string[] = [];
  let insideQuotes = false;
  let escaped = false;
  let token = '';
  for (const ch of s) {
    if (ch === ',' && !insideQuotes) {
      tokens.push(token);
      token = '';
      continue;
    }
    if (ch === '"') {
      if (!escaped) insideQuotes = !insideQuotes;
      else escaped = false;
    } else if (ch === '\\') {
      escaped = !escaped;
    } else if (ch !== ',') {
      escaped = false;
    }
    token += ch;
  }
  if (token.trim() !== '') tokens.push(token);
  return tokens;
}

/** Returns the matcher or an error message (without the matcher text, which the caller adds). */
function parseMatcher(token: string): Matcher | string {
  const m = MATCHER.exec(token);
  if (!m) return 'expected <label><operator><value> with operator =, !=, =~ or !~, e.g. severity="critical"';
  const [, name, op, raw] = m as unknown as [string, string, MatchType, string];
  if (name === '') return 'missing label name before the operator';
  if (!LABEL_NAME.test(name)) return `label name "${name}" is invalid: it must match [a-zA-Z_][a-zA-Z0-9_]*`;
  const value = unescapeValue(raw);
  if (value === undefined) return 'the value contains an unescaped double quote (write \\" inside quotes)';
  if (op === '=' || op === '!=') return { name, type: op, value, re: undefined };
  const re = compileAnchored(value);
  if (typeof re === 'string') return re;
  return { name, type: op, value, re };
}

/** Alertmanager's unescaping: \" \\ \n are escapes, any other backslash is literal. undefined = bad quote. */
function unescapeValue(raw: string): string | undefined {
  const chars = Array.from(raw);
  let expectTrailingQuote = false;
  let start = 0;
  if (chars[0] === '"') {
    expectTrailingQuote = true;
    start = 1;
  }
  let out = '';
  let escaped = false;
  for (let i = start; i < chars.length; i++) {
    const ch = chars[i]!;
    if (escaped) {
      escaped = false;
      if (ch === 'n') out += '\n';
      else if (ch === '"' || ch === '\\') out += ch;
      else out += `\\${ch}`;
      continue;
    }
    if (ch === '\\') {
      if (i < chars.length - 1) escaped = true;
      else out += '\\';
    } else if (ch === '"') {
      if (!expectTrailingQuote || i < chars.length - 1) return undefined;
      expectTrailingQuote = false;
    } else {
      out += ch;
    }
  }
  return expectTrailingQuote ? undefined : out;
}

/**
 * Compiles `^(?:pattern)$` with the `u` flag, after the safety checks. A leading Go-style `(?i)` or `(?s)`
 * (or `(?is)`) becomes the matching JavaScript flag, since JavaScript has no inline flags on Node 20.
 */
export function compileAnchored(pattern: string): RegExp | string {
  if (pattern.length > MAX_REGEX_LENGTH) {
    return `regular expression is ${pattern.length} characters long; the limit is ${MAX_REGEX_LENGTH}`;
  }
  let flags = 'u';
  let body = pattern;
  const inline = /^\(\?([a-zA-Z]+)\)/.exec(pattern);
  if (inline) {
    const wanted = inline[1]!;
    if (!/^(?:i|s|is|si)$/.test(wanted)) {
      return `inline flags (?${wanted}) are not supported; only a leading (?i), (?s) or (?is) is`;
    }
    flags += wanted;
    body = pattern.slice(inline[0].length);
  }
  const unsafe = checkRegexSafety(body);
  if (unsafe) return unsafe;
  const source = `^(?:${body})$`;
  try {
    return new RegExp(source, flags);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const prefix = `Invalid regular expression: /${source}/${flags}: `;
    const reason = message.startsWith(prefix) ? message.slice(prefix.length) : message;
    return `invalid regular expression: ${reason.charAt(0).toLowerCase()}${reason.slice(1)}`;
  }
}

/** A label that is absent reads as "" (so `foo=""` matches a missing foo), exactly as in Alertmanager. */
export function labelValue(labels: Record<string, string>, name: string): string {
  const v = labels[name];
  // typeof guards against inherited members such as labels["constructor"]
  return typeof v === 'string' ? v : '';
}

export function matches(m: Matcher, labels: Record<string, string>): boolean {
  const v = labelValue(labels, m.name);
  switch (m.type) {
    case '=':
      return v === m.value;
    case '!=':
      return v !== m.value;
    case '=~':
      return m.re!.test(v);
    case '!~':
      return !m.re!.test(v);
  }
}

/** True when every matcher matches; an empty list matches every alert. */
export function matchesAll(ms: readonly Matcher[], labels: Record<string, string>): boolean {
  for (let i = 0; i < ms.length; i++) if (!matches(ms[i]!, labels)) return false;
  return true;
}

/** Canonical text of a matcher, as Alertmanager prints it: name, operator, double-quoted value. */
export function formatMatcher(m: Matcher): string {
  const quoted = m.value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
  return `${m.name}${m.type}"${quoted}"`;
}
