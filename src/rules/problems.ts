/**
 * Turns schema issues into operator-facing problems: the position comes from the YAML node the issue's
 * path points at, the message names the rule and the field in plain words.
 */
import { type Document, isMap, isScalar, isSeq, type LineCounter, type Node } from 'yaml';
import type { z } from 'zod';
import { MAX_WEIGHT } from './schema-fields';
import type { RuleProblem, SourcePosition } from './types';

type Path = readonly PropertyKey[];

export interface FileContext {
  file: string;
  doc: Document;
  lineCounter: LineCounter;
  /** The file's plain JavaScript value, to describe what was found and to name rules. */
  value: unknown;
}

/** The value node at `path` together with the key node that names it (when it sits in a mapping). */
export function nodeAt(doc: Document, path: Path): { node: Node | undefined; key: Node | undefined } {
  let node: unknown = doc.contents;
  let key: Node | undefined;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => String(isScalar(p.key) ? p.key.value : p.key) === String(seg));
      if (!pair) return { node: undefined, key: undefined };
      key = pair.key as Node;
      node = pair.value ?? undefined;
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg];
      key = undefined;
    } else {
      return { node: undefined, key: undefined };
    }
  }
  return { node: (node ?? undefined) as Node | undefined, key };
}

export function positionAt(ctx: FileContext, offset: number): SourcePosition {
  const { line, col } = ctx.lineCounter.linePos(offset);
  return { file: ctx.file, line, column: col };
}

export function problemAt(ctx: FileContext, offset: number, message: string): RuleProblem {
  return { ...positionAt(ctx, offset), message };
}

/** Position of the deepest node along `path` that exists (the value, else its key, else an ancestor). */
export function offsetOf(ctx: FileContext, path: Path): number {
  for (let n = path.length; n >= 0; n--) {
    const { node, key } = nodeAt(ctx.doc, path.slice(0, n));
    const target = node?.range ? node : key;
    if (target?.range) return target.range[0];
  }
  return 0;
}

export function valueAt(value: unknown, path: Path): unknown {
  let v = value;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[seg];
  }
  return v;
}

/** What the entries of each top-level list are called in messages. */
const ENTRY_KINDS: Record<string, string> = {
  rules: 'rule',
  windows: 'window',
  maintenance: 'maintenance',
  targets: 'target',
  roles: 'role',
  rotations: 'rotation',
  tests: 'test',
};

/** "rule "db-down": " for anything under rules[i] (and likewise targets, windows…), to name what to fix. */
export function entryPrefix(value: unknown, path: Path): { prefix: string; rest: Path } {
  const kind = ENTRY_KINDS[String(path[0])];
  if (!kind || typeof path[1] !== 'number') return { prefix: '', rest: path };
  const name = valueAt(value, [path[0]!, path[1], path[0] === 'rotations' ? 'team' : 'name']);
  const label = typeof name === 'string' && name.trim() !== '' ? `"${name.trim()}"` : `#${path[1] + 1}`;
  return { prefix: `${kind} ${label}: `, rest: path.slice(2) };
}

function fieldName(path: Path): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : `${out ? '.' : ''}${String(seg)}`;
  return out;
}

const EXPECTED: Record<string, string> = {
  number: 'a number',
  int: 'a whole number',
  string: 'a string',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping (key: value)',
  record: 'a mapping (key: value)',
};

function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'nothing (an empty value)';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string')
    return `the string ${v.includes('"') && !v.includes("'") ? `'${v}'` : JSON.stringify(v)}`;
  return String(v);
}

/** The closest allowed key by edit distance, when it is close enough to be a likely typo. */
export function suggest(key: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(key.length / 3)) + 1;
  for (const candidate of allowed) {
    const d = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** One schema issue -> problems; an unknown-keys issue yields one problem per key, at that key. */
export function issueToProblems(
  ctx: FileContext,
  issue: z.core.$ZodIssue,
  allowedKeys: (path: Path, root: unknown) => readonly string[],
): RuleProblem[] {
  const path = issue.path as Path;
  const { prefix, rest } = entryPrefix(ctx.value, path);
  const field = fieldName(rest);
  const found = valueAt(ctx.value, path);
  const at = (message: string) => [problemAt(ctx, offsetOf(ctx, path), `${prefix}${message}`)];
  const subject = field ? `"${field}" ` : '';
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = allowedKeys(path, ctx.value);
      return issue.keys.map((key) => {
        const { key: keyNode } = nodeAt(ctx.doc, [...path, key]);
        const hint = suggest(key, allowed);
        const where = field ? ` in "${field}"` : '';
        const message = `${prefix}unknown field "${key}"${where}${hint ? ` (did you mean "${hint}"?)` : ''}; allowed: ${allowed.join(', ')}`;
        return problemAt(ctx, keyNode?.range?.[0] ?? offsetOf(ctx, path), message);
      });
    }
    case 'invalid_type': {
      const expected = EXPECTED[issue.expected] ?? issue.expected;
      if (found === undefined) return at(`missing required field "${field}" (${expected})`);
      return at(`${subject}must be ${expected}, not ${describeValue(found)}`);
    }
    case 'invalid_value':
      return at(oneOf(field, issue.values, found));
    case 'invalid_union': {
      if ('discriminator' in issue && issue.discriminator) {
        return at(oneOf(field, (issue as { options?: unknown[] }).options ?? [], found));
      }
      const expected = issue.errors
        .map((errs) => errs.find((e) => e.code === 'invalid_type' && e.path.length === 0))
        .map((e) => (e?.code === 'invalid_type' ? (EXPECTED[e.expected] ?? e.expected) : undefined));
      if (expected.every((e) => e !== undefined)) {
        if (found === undefined) return at(`missing required field "${field}" (${expected.join(' or ')})`);
        return at(`${subject}must be ${expected.join(' or ')}, not ${describeValue(found)}`);
      }
      return at(`${subject}is invalid: ${issue.message}`);
    }
    case 'invalid_format':
      if (issue.format === 'url')
        return at(`${subject}must be a URL (https://…), not ${describeValue(found)}`);
      return at(
        issue.message.startsWith('must')
          ? `${subject}${issue.message}`
          : `${field ? `"${field}": ` : ''}${issue.message}`,
      );
    case 'invalid_key': {
      const inner = issue.issues[0]?.message ?? issue.message;
      const parent = fieldName(rest.slice(0, -1));
      const { key } = nodeAt(ctx.doc, path);
      const message = `${prefix}key "${String(path[path.length - 1])}"${parent ? ` in "${parent}"` : ''} ${inner}`;
      return [problemAt(ctx, key?.range?.[0] ?? offsetOf(ctx, path), message)];
    }
    case 'too_small':
    case 'too_big':
      return at(sizeMessage(field, issue, found));
    case 'custom':
      return at(issue.message);
    default:
      return at(field ? `"${field}": ${issue.message}` : issue.message);
  }
}

function oneOf(field: string, values: readonly unknown[], found: unknown): string {
  const list = values.map((v) => JSON.stringify(v)).join(', ');
  if (found === undefined) return `missing required field "${field}" (one of ${list})`;
  return `"${field}" must be one of ${list}, not ${describeValue(found)}`;
}

function sizeMessage(
  field: string,
  issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig,
  found: unknown,
): string {
  const small = issue.code === 'too_small';
  if (issue.origin === 'string') {
    return small
      ? `"${field}" must not be empty`
      : `"${field}" is too long (at most ${issue.maximum} characters)`;
  }
  if (issue.origin === 'number') {
    const bound = Number(
      small ? (issue as z.core.$ZodIssueTooSmall).minimum : (issue as z.core.$ZodIssueTooBig).maximum,
    );
    if (Math.abs(bound) === MAX_WEIGHT) {
      return `"${field}" must be between ${-MAX_WEIGHT} and ${MAX_WEIGHT}, not ${describeValue(found)}`;
    }
    const strict = issue.inclusive === false;
    const relation = small ? (strict ? 'greater than' : 'at least') : strict ? 'less than' : 'at most';
    return `"${field}" must be ${relation} ${bound}, not ${describeValue(found)}`;
  }
  if (issue.origin === 'array' && small) {
    const min = Number((issue as z.core.$ZodIssueTooSmall).minimum);
    return `"${field}" must have at least ${min} ${min === 1 ? 'entry' : 'entries'}`;
  }
  return `"${field}": ${issue.message}`;
}
