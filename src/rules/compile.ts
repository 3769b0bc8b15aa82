/**
 * Rule files (already read) -> RuleSet, or every problem found. Pure: no file system, so the CLI, hot reload
 * and tests can feed it whatever they have. Files are merged in the order given (load.ts sorts them).
 */
import { createHash } from 'node:crypto';
import { LineCounter, parseDocument } from 'yaml';
import type { Priority } from '../domain/alert';
import { type FileContext, issueToProblems, nodeAt, offsetOf, positionAt, problemAt } from './problems';
import { allowedKeysV1, type DefaultsV1, fileSchemaV1, type RuleV1, SUPPORTED_VERSIONS } from './schema';
import {
  BUILTIN_DEFAULTS,
  type CompiledRule,
  type RoutingDefaults,
  type RuleProblem,
  type RuleSet,
  type SourcePosition,
} from './types';

export interface RuleFile {
  /** As it should appear in problems, e.g. "rules/10-prod.yml". */
  path: string;
  content: string;
}

export type CompileResult = { ok: true; ruleSet: RuleSet } | { ok: false; problems: RuleProblem[] };

/** What one file contributed, before the cross-file checks. */
interface FileOutcome {
  ctx: FileContext;
  problems: RuleProblem[];
  defaults: DefaultsV1 | undefined;
  rules: CompiledRule[];
}

export function compileRules(files: readonly RuleFile[]): CompileResult {
  const outcomes = files.map(compileFile);
  const problems = outcomes.flatMap((o) => o.problems);
  problems.push(...crossFileProblems(outcomes));
  const order = new Map(files.map((f, i) => [f.path, i]));
  problems.sort(
    (a, b) => (order.get(a.file) ?? -1) - (order.get(b.file) ?? -1) || a.line - b.line || a.column - b.column,
  );
  if (problems.length > 0) return { ok: false, problems };

  const ruleSet: RuleSet = {
    digest: digestOf(files),
    files: files.map((f) => f.path),
    defaults: mergeDefaults(outcomes.find((o) => o.defaults)?.defaults),
    rules: Object.freeze(outcomes.flatMap((o) => o.rules)),
  };
  return { ok: true, ruleSet: Object.freeze(ruleSet) };
}

/** sha256 over every file's name and content; lengths are included so no two file sets hash alike. */
export function digestOf(files: readonly RuleFile[]): string {
  const hash = createHash('sha256');
  for (const f of files) {
    const name = f.path.split(/[\\/]/).pop()!;
    hash.update(`${name}\0${Buffer.byteLength(f.content)}\0`).update(f.content);
  }
  return hash.digest('hex');
}

function compileFile(file: RuleFile): FileOutcome {
  const lineCounter = new LineCounter();
  const doc = parseDocument(file.content, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const ctx: FileContext = { file: file.path, doc, lineCounter, value: undefined };
  const outcome: FileOutcome = { ctx, problems: [], defaults: undefined, rules: [] };
  const fail = (offset: number, message: string) => {
    outcome.problems.push(problemAt(ctx, offset, message));
    return outcome;
  };

  if (doc.errors.length > 0) {
    for (const e of doc.errors) fail(e.pos[0], `YAML syntax error: ${e.message}`);
    return outcome;
  }
  try {
    ctx.value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    return fail(0, `YAML error: ${e instanceof Error ? e.message : String(e)}`);
  }
  const value = ctx.value;
  if (value === null || value === undefined) {
    return fail(0, 'the file is empty; a rule file starts with "version: 1"');
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    const found = Array.isArray(value) ? 'a list' : `the ${typeof value} ${JSON.stringify(value)}`;
    return fail(
      offsetOf(ctx, []),
      `a rule file must be a mapping with "version", "defaults" and "rules", not ${found}`,
    );
  }
  const supported = SUPPORTED_VERSIONS.join(', ');
  if (!('version' in value)) {
    fail(
      offsetOf(ctx, []),
      `missing required field "version": add "version: 1" (supported versions: ${supported})`,
    );
  } else if (!(SUPPORTED_VERSIONS as readonly unknown[]).includes(value.version)) {
    const v = JSON.stringify(value.version) ?? String(value.version);
    ctx.value = undefined; // a file in a version we do not know takes no part in the cross-file checks
    return fail(offsetOf(ctx, ['version']), `unsupported version ${v}; supported versions: ${supported}`);
  }

  const parsed = fileSchemaV1.safeParse(value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues)
      outcome.problems.push(...issueToProblems(ctx, issue, allowedKeysV1));
    return outcome;
  }
  if (outcome.problems.length > 0) return outcome;
  outcome.defaults = parsed.data.defaults;
  outcome.rules = (parsed.data.rules ?? []).map((r, i) => compileRule(r, positionOf(ctx, ['rules', i])));
  return outcome;
}

function compileRule(r: RuleV1, source: SourcePosition): CompiledRule {
  return Object.freeze({
    name: r.name,
    matchers: Object.freeze((r.match ?? []).flat()),
    weight: r.weight ?? 0,
    channel: r.channel,
    mentions: Object.freeze([...new Set(r.mentions ?? [])]),
    continue: r.continue ?? true,
    source,
  });
}

function positionOf(ctx: FileContext, path: readonly PropertyKey[]): SourcePosition {
  return positionAt(ctx, offsetOf(ctx, path));
}

const at = (p: SourcePosition) => `${p.file}:${p.line}:${p.column}`;

/** At most one file sets defaults; rule names are unique across all files. Works on raw values, so these
 * problems are reported even for files with other problems. */
function crossFileProblems(outcomes: readonly FileOutcome[]): RuleProblem[] {
  const problems: RuleProblem[] = [];
  let defaultsAt: SourcePosition | undefined;
  const names = new Map<string, SourcePosition>();
  for (const { ctx } of outcomes) {
    const value = ctx.value;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) continue;
    const raw = value as { defaults?: unknown; rules?: unknown };
    if ('defaults' in raw) {
      const here = keyPosition(ctx, 'defaults');
      if (defaultsAt) {
        problems.push({
          ...here,
          message: `"defaults" is already set in ${at(defaultsAt)}; only one file may set defaults`,
        });
      } else {
        defaultsAt = here;
      }
    }
    if (!Array.isArray(raw.rules)) continue;
    raw.rules.forEach((rule: unknown, i) => {
      const name = (rule as { name?: unknown } | null)?.name;
      if (typeof name !== 'string' || name.trim() === '') return;
      const here = positionOf(ctx, ['rules', i, 'name']);
      const first = names.get(name.trim());
      if (!first) names.set(name.trim(), here);
      else {
        problems.push({
          ...here,
          message: `rule "${name.trim()}": duplicate rule name, already used at ${at(first)}; rule names must be unique across all files`,
        });
      }
    });
  }
  return problems;
}

function keyPosition(ctx: FileContext, key: string): SourcePosition {
  const { key: node } = nodeAt(ctx.doc, [key]);
  return positionAt(ctx, node?.range?.[0] ?? 0);
}

function mergeDefaults(d: DefaultsV1 | undefined): RoutingDefaults {
  if (!d) return BUILTIN_DEFAULTS;
  const perPriority = <T>(
    base: Readonly<Record<Priority, T>>,
    over: Partial<Record<Priority, T>> | undefined,
  ) =>
    Object.freeze({
      P1: over?.P1 ?? base.P1,
      P2: over?.P2 ?? base.P2,
      P3: over?.P3 ?? base.P3,
      P4: over?.P4 ?? base.P4,
    });
  const mentions = d.mentions && {
    P1: d.mentions.P1 && Object.freeze([...new Set(d.mentions.P1)]),
    P2: d.mentions.P2 && Object.freeze([...new Set(d.mentions.P2)]),
    P3: d.mentions.P3 && Object.freeze([...new Set(d.mentions.P3)]),
    P4: d.mentions.P4 && Object.freeze([...new Set(d.mentions.P4)]),
  };
  return Object.freeze({
    channel: d.channel ?? BUILTIN_DEFAULTS.channel,
    thresholds: Object.freeze({ ...(d.thresholds ?? BUILTIN_DEFAULTS.thresholds) }),
    mentions: perPriority<readonly string[]>(BUILTIN_DEFAULTS.mentions, mentions),
    notify: perPriority(BUILTIN_DEFAULTS.notify, d.notify),
  });
}
