/**
 * Turns schema issues into operator-facing problems: the position comes from the YAML node the issue's
 * path points at, the message names the rule and the field in plain words.
 */
import { type Document, isMap, isScalar, isSeq, type LineCounter, type Node } from 'yaml';
import type { z } from 'zod';
import { MAX_WEIGHT } from './schema';
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

function valueAt(value: unknown, path: Path): unknown {
  let v = value;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[seg];
  }
  return v;
}

/** "rule "db-down": " for anything under rules[i], so the operator knows which rule to fix. */
function rulePrefix(ctx: FileContext, path: Path): { prefix: string; rest: Path } {
  if (path[0] !== 'rules' || typeof path[1] !== 'number') return { prefix: '', rest: path };
  const name = valueAt(ctx.value, ['rules', path[1], 'name']);
  const label = typeof name === 'string' && name.trim() !== '' ? `"${name.trim()}"` : `#${path[1] + 1}`;
  return { prefix: `rule ${label}: `, rest: path.slice(2) };
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
function suggest(key: string, allowed: readonly string[]): string | undefined {
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
  allowedKeys: (path: Path) => readonly string[],
): RuleProblem[] {
  const path = issue.path as Path;
  const { prefix, rest } = rulePrefix(ctx, path);
  const field = fieldName(rest);
  const at = (message: string) => [problemAt(ctx, offsetOf(ctx, path), `${prefix}${message}`)];
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = allowedKeys(path);
      return issue.keys.map((key) => {
        const { key: keyNode } = nodeAt(ctx.doc, [...path, key]);
        const hint = suggest(key, allowed);
        const where = field ? ` in "${field}"` : '';
        const message = `${prefix}unknown field "${key}"${where}${hint ? ` (did you mean "${hint}"?)` : ''}; allowed: ${allowed.join(', ')}`;
        return problemAt(ctx, keyNode?.range?.[0] ?? offsetOf(ctx, path), message);
      });
    }
    case 'invalid_type': {
      const found = valueAt(ctx.value, path);
      const expected = EXPECTED[issue.expected] ?? issue.expected;
      if (found === undefined) return at(`missing required field "${field}" (${expected})`);
      return at(`${field ? `"${field}" ` : ''}must be ${expected}, not ${describeValue(found)}`);
    }
    case 'too_small':
    case 'too_big': {
      if (issue.origin === 'string') {
        return at(
          issue.code === 'too_small'
            ? `"${field}" must not be empty`
            : `"${field}" is too long (at most ${issue.maximum} characters)`,
        );
      }
      if (issue.origin === 'number') {
        return at(
          `"${field}" must be between ${-MAX_WEIGHT} and ${MAX_WEIGHT}, not ${describeValue(valueAt(ctx.value, path))}`,
        );
      }
      return at(`"${field}": ${issue.message}`);
    }
    case 'custom':
      return at(issue.message);
    default:
      return at(field ? `"${field}": ${issue.message}` : issue.message);
  }
}
