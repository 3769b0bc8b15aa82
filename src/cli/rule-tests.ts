/**
 * Runs rule unit tests, `<rules dir>/tests/*.yml`, against the rules of that directory: each case routes a
 * payload (as the bot routes a new alert group: applyNotification + routeGroup) or one alert, at an instant,
 * and compares what the test expects. Used by `mogo rules test --all` and by `npm test`.
 *
 * Lives with the CLI, not in rules/: it builds on the use case (routeGroup) and the webhook schema, which
 * themselves use the rules engine, and rules/ depends on nothing above it.
 */
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { Notification, Routing } from '../domain/alert';
import { applyNotification } from '../domain/merge';
import { routeGroup } from '../incidents/receive-notification';
import { parseWebhook } from '../ingest/schema';
import { compileDir } from '../rules/load';
import { type FileContext, issueToProblems, offsetOf, positionAt, problemAt } from '../rules/problems';
import { routeAlert } from '../rules/route';
import { allowedKeysAt } from '../rules/schema-keys';
import { formatProblem, type RuleProblem, type RuleSet, type SourcePosition } from '../rules/types';
import { type RuleTestCase, ruleTestFileSchema } from './rule-tests-schema';

export interface FieldDiff {
  field: string;
  expected: unknown;
  actual: unknown;
}

export interface CaseResult {
  source: SourcePosition;
  name: string;
  passed: boolean;
  diffs: FieldDiff[];
  routing: Routing;
}

export interface RuleTestReport {
  /** Problems in the rules or in the test files; any problem fails the run. */
  problems: RuleProblem[];
  files: string[];
  results: CaseResult[];
  ok: boolean;
}

const TEST_FILE = /^[^.].*\.ya?ml$/;

export async function runRuleTests(rulesDir: string, opts: { now?: Date } = {}): Promise<RuleTestReport> {
  const compiled = await compileDir(rulesDir);
  if (!('ruleSet' in compiled)) return { problems: compiled.problems, files: [], results: [], ok: false };
  const testsDir = join(rulesDir, 'tests');
  let names: string[];
  try {
    names = (await readdir(testsDir)).filter((n) => TEST_FILE.test(n)).sort();
  } catch {
    names = [];
  }
  const files = names.map((n) => join(testsDir, n));
  if (files.length === 0) {
    const message = 'no rule tests: add *.yml files with test cases to this directory (see docs/rules.md)';
    return { problems: [{ file: testsDir, line: 0, column: 0, message }], files, results: [], ok: false };
  }
  const problems: RuleProblem[] = [];
  const results: CaseResult[] = [];
  for (const file of files) {
    const out = await runFile(compiled.ruleSet, file, opts.now ?? new Date());
    problems.push(...out.problems);
    results.push(...out.results);
  }
  return { problems, files, results, ok: problems.length === 0 && results.every((r) => r.passed) };
}

async function runFile(rules: RuleSet, file: string, now: Date) {
  const problems: RuleProblem[] = [];
  const results: CaseResult[] = [];
  const lineCounter = new LineCounter();
  const doc = parseDocument(await readFile(file, 'utf8'), {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
  });
  const ctx: FileContext = { file, doc, lineCounter, value: undefined };
  if (doc.errors.length > 0) {
    for (const e of doc.errors) problems.push(problemAt(ctx, e.pos[0], `YAML syntax error: ${e.message}`));
    return { problems, results };
  }
  ctx.value = doc.toJS({ maxAliasCount: 100 });
  const parsed = ruleTestFileSchema.safeParse(ctx.value);
  if (!parsed.success) {
    const keys = (path: readonly PropertyKey[], root: unknown) =>
      allowedKeysAt(ruleTestFileSchema, path, root);
    for (const issue of parsed.error.issues) problems.push(...issueToProblems(ctx, issue, keys));
    return { problems, results };
  }
  const payloads = new Map<string, Notification | string>();
  for (const [i, c] of parsed.data.tests.entries()) {
    const at = new Date(c.at ?? parsed.data.at ?? now.getTime());
    const where = (field: string) => problemAt(ctx, offsetOf(ctx, ['tests', i, field]), '');
    const routing = await routeCase(rules, c, at, file, payloads);
    if (typeof routing === 'string') {
      const p = where(routing.startsWith('"alert"') ? 'alert' : 'payload');
      problems.push({ ...p, message: `test "${c.name}": ${routing}` });
      continue;
    }
    const diffs = compare(c.expect, routing);
    const source = positionAt(ctx, offsetOf(ctx, ['tests', i]));
    results.push({ source, name: c.name, passed: diffs.length === 0, diffs, routing });
  }
  return { problems, results };
}

/** The routing the case describes, or a problem message. */
async function routeCase(
  rules: RuleSet,
  c: RuleTestCase,
  at: Date,
  file: string,
  payloads: Map<string, Notification | string>,
): Promise<Routing | string> {
  const history = c.refires === undefined ? undefined : { refires: c.refires };
  if (c.labels) {
    const startsAt = c.starts_at === undefined ? undefined : new Date(c.starts_at).toISOString();
    return routeAlert(rules, { labels: c.labels, annotations: c.annotations ?? {}, startsAt }, at, history);
  }
  const path = resolve(dirname(file), c.payload!);
  if (!payloads.has(path)) payloads.set(path, await readPayload(path, c.payload!));
  const n = payloads.get(path)!;
  if (typeof n === 'string') return n;
  if (c.alert !== undefined) {
    const alert = n.alerts[c.alert];
    if (!alert) return `"alert" is ${c.alert} but the payload has ${n.alerts.length} alerts (from 0)`;
    return routeAlert(rules, alert, at, history);
  }
  const group = applyNotification(null, n, (firing) => routeGroup(rules, firing, at), at);
  return group?.routing ?? `payload ${JSON.stringify(c.payload)} holds no alerts`;
}

/** A webhook body from a file, as the webhook route would accept it; a message when it would not. */
export async function readPayload(path: string, shown: string): Promise<Notification | string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    return `cannot read payload ${JSON.stringify(shown)}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`;
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    return `payload ${JSON.stringify(shown)} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`;
  }
  const parsed = parseWebhook(body);
  if (parsed.ok) return parsed.notification;
  const issues = parsed.issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  return `payload ${JSON.stringify(shown)} is not an Alertmanager webhook body: ${issues}`;
}

function compare(expect: RuleTestCase['expect'], r: Routing): FieldDiff[] {
  const actual: Record<string, unknown> = {
    priority: r.priority,
    channel: r.channel,
    notify: r.notify,
    mentions: r.mentions,
    rollback_target: r.rollbackTarget ?? null,
    score: r.score,
    rules: r.matched.map((m) => m.rule),
  };
  const diffs: FieldDiff[] = [];
  for (const [field, expected] of Object.entries(expect)) {
    if (expected === undefined) continue;
    if (JSON.stringify(expected) !== JSON.stringify(actual[field])) {
      diffs.push({ field, expected, actual: actual[field] });
    }
  }
  return diffs;
}

/** Text for a terminal: one PASS/FAIL line per case, a diff under each failure, problems, a summary. */
export function formatRuleTestReport(report: RuleTestReport): string {
  const lines: string[] = [];
  for (const r of report.results) {
    const where = `${r.source.file}:${r.source.line}:${r.source.column}`;
    lines.push(`${r.passed ? 'PASS' : 'FAIL'} ${where}: ${r.name}`);
    for (const d of r.diffs) {
      lines.push(`  - ${d.field}: ${JSON.stringify(d.expected)}  (expected)`);
      lines.push(`  + ${d.field}: ${JSON.stringify(d.actual)}  (got)`);
    }
    if (!r.passed && r.routing.explain) lines.push(`    why: ${r.routing.explain.join(' · ')}`);
  }
  for (const p of report.problems) lines.push(formatProblem(p));
  const failed = report.results.filter((r) => !r.passed).length;
  const summary = [`${report.results.length - failed} passed`, `${failed} failed`];
  if (report.problems.length > 0) summary.push(`${report.problems.length} problems`);
  lines.push(`${summary.join(', ')} (${report.files.length} test files)`);
  return `${lines.join('\n')}\n`;
}
