/**
 * The routing rules engine: YAML rule files -> RuleSet -> a Routing per alert. See docs/rules.md for the
 * file format. Loading validates everything and reports every problem with file:line:column; routing is pure.
 */
import { AppError } from '../errors';
import { compileDir } from './load';
import { formatProblem, type RuleProblem, type RuleSet } from './types';

export { type CompileResult, compileRules, digestOf, type RuleFile } from './compile';
export { compileDir } from './load';
export {
  formatMatcher,
  type Matcher,
  type MatchType,
  matchesAll,
  type ParseResult,
  parseMatchers,
} from './matcher';
export {
  handoffAt,
  type OnCall,
  type OnCallShift,
  onCallNow,
  onCallUser,
  rotationOf,
  shiftAt,
} from './oncall';
export { type AlertHistory, downgrade, priorityFor, type RoutableAlert, routeAlert } from './route';
export {
  type Boost,
  BUILTIN_DEFAULTS,
  type CompiledRule,
  type EscalationPolicy,
  formatProblem,
  type LabelWeights,
  type Maintenance,
  type Rotation,
  type RotationOverride,
  type RoutingDefaults,
  type RuleProblem,
  type RuleSet,
  type RuleWindow,
  type SourcePosition,
  type Thresholds,
  type TimeWindow,
} from './types';

/** Loads and compiles every rule file in `dir`; throws AppError RULES_INVALID listing all problems. */
export async function loadRules(dir: string): Promise<RuleSet> {
  const result = await compileDir(dir);
  if ('ruleSet' in result) return result.ruleSet;
  throw rulesInvalid(result.problems);
}

/** Every problem in `dir`'s rule files, [] when they are valid. Never throws for bad content. */
export async function checkRules(dir: string): Promise<RuleProblem[]> {
  const result = await compileDir(dir);
  return 'ruleSet' in result ? [] : result.problems;
}

function rulesInvalid(problems: RuleProblem[]): AppError {
  const [first, ...rest] = problems;
  const more = rest.length > 0 ? `, and ${rest.length} more` : '';
  return new AppError('RULES_INVALID', `${formatProblem(first!)}${more}`, { details: { problems } });
}
