/**
 * The routing rules engine: YAML rule files -> RuleSet -> a Routing per alert. See docs/rules.md for the
 * file format. Loading validates everything and reports every problem with file:line:column; routing is pure.
 */
import { AppError } from '../errors';
import { compileRules } from './compile';
import { readRuleFiles } from './load';
import { formatProblem, type RuleProblem, type RuleSet } from './types';

export { type CompileResult, compileRules, type RuleFile } from './compile';
export {
  formatMatcher,
  type Matcher,
  type MatchType,
  matchesAll,
  type ParseResult,
  parseMatchers,
} from './matcher';
export { priorityFor, type RoutableAlert, routeAlert } from './route';
export {
  BUILTIN_DEFAULTS,
  type CompiledRule,
  formatProblem,
  type RoutingDefaults,
  type RuleProblem,
  type RuleSet,
  type SourcePosition,
  type Thresholds,
} from './types';

/** Loads and compiles every rule file in `dir`; throws AppError RULES_INVALID listing all problems. */
export async function loadRules(dir: string): Promise<RuleSet> {
  const result = await compileDir(dir);
  if ('ruleSet' in result) return result.ruleSet;
  const [first, ...rest] = result.problems;
  const more = rest.length > 0 ? `, and ${rest.length} more` : '';
  throw new AppError('RULES_INVALID', `${formatProblem(first!)}${more}`, {
    details: { problems: result.problems },
  });
}

/** Every problem in `dir`'s rule files, [] when they are valid. Never throws for bad content. */
export async function checkRules(dir: string): Promise<RuleProblem[]> {
  const result = await compileDir(dir);
  return 'ruleSet' in result ? [] : result.problems;
}

async function compileDir(dir: string): Promise<{ ruleSet: RuleSet } | { problems: RuleProblem[] }> {
  const read = await readRuleFiles(dir);
  if (read.files.length === 0) return { problems: read.problems };
  const compiled = compileRules(read.files);
  if (compiled.ok && read.problems.length === 0) return { ruleSet: compiled.ruleSet };
  return { problems: [...read.problems, ...(compiled.ok ? [] : compiled.problems)] };
}
