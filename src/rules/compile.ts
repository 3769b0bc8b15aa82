/**
 * Rule files (already read) -> RuleSet, or every problem found. Pure: no file system, so the CLI, hot reload
 * and tests can feed it whatever they have. Files are merged in the order given (load.ts sorts them).
 */
import { createHash } from 'node:crypto';
import { LineCounter, parseDocument } from 'yaml';
import { assembleRuleSet } from './assemble';
import { crossFileProblems } from './cross-file';
import { type FileContext, issueToProblems, offsetOf, problemAt } from './problems';
import { type FileV1, fileSchemaV1, SUPPORTED_VERSIONS } from './schema';
import { allowedKeysAt } from './schema-keys';
import type { RuleProblem, RuleSet } from './types';

export interface RuleFile {
  /** As it should appear in problems, e.g. "rules/10-prod.yml". */
  path: string;
  content: string;
}

export type CompileResult = { ok: true; ruleSet: RuleSet } | { ok: false; problems: RuleProblem[] };

/** What one file contributed, before the cross-file checks. */
export interface FileOutcome {
  ctx: FileContext;
  problems: RuleProblem[];
  /** The validated, converted content; undefined when the file has problems. */
  data: FileV1 | undefined;
}

export function compileRules(files: readonly RuleFile[]): CompileResult {
  const outcomes = files.map(compileFile);
  const problems = outcomes.flatMap((o) => o.problems);
  problems.push(...crossFileProblems(outcomes.map((o) => o.ctx)));
  const order = new Map(files.map((f, i) => [f.path, i]));
  problems.sort(
    (a, b) => (order.get(a.file) ?? -1) - (order.get(b.file) ?? -1) || a.line - b.line || a.column - b.column,
  );
  if (problems.length > 0) return { ok: false, problems };

  const parsed = outcomes.map((o) => ({ ctx: o.ctx, data: o.data! }));
  return { ok: true, ruleSet: assembleRuleSet(digestOf(files), parsed) };
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
  const outcome: FileOutcome = { ctx, problems: [], data: undefined };
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
    const allowedKeys = (path: readonly PropertyKey[], root: unknown) =>
      allowedKeysAt(fileSchemaV1, path, root);
    for (const issue of parsed.error.issues)
      outcome.problems.push(...issueToProblems(ctx, issue, allowedKeys));
    return outcome;
  }
  if (outcome.problems.length === 0) outcome.data = parsed.data;
  return outcome;
}
