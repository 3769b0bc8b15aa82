import type { Priority } from '../domain/alert';
import type { Matcher } from './matcher';

/**
 * One thing wrong with the rule files, positioned for an editor: `line` and `column` are 1-based. Problems
 * about a directory as a whole (missing, unreadable, no rule files) have line 0 and column 0.
 */
export interface RuleProblem {
  file: string;
  line: number;
  column: number;
  message: string;
}

/** "file:line:column: message", the format compilers and editors understand; "file: message" for line 0. */
export function formatProblem(p: RuleProblem): string {
  return p.line > 0 ? `${p.file}:${p.line}:${p.column}: ${p.message}` : `${p.file}: ${p.message}`;
}

export interface Thresholds {
  /** Minimum score for each priority; strictly descending. Anything below P3 is P4. */
  P1: number;
  P2: number;
  P3: number;
}

/** The `defaults:` block after merging with the built-in defaults. */
export interface RoutingDefaults {
  channel: string;
  thresholds: Thresholds;
  /** Slack mention strings ("<@U…>", "<!subteam^S…>", "<!here>") pinged for every alert of a priority. */
  mentions: Readonly<Record<Priority, readonly string[]>>;
  /** false: the alert is recorded and shown in digests only; nobody is pinged. */
  notify: Readonly<Record<Priority, boolean>>;
}

/** Where something was written, so tools such as `mogo rules test` can point back at it. */
export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

export interface CompiledRule {
  name: string;
  /** All must match; empty matches every alert. Regexes are compiled once, here. */
  matchers: readonly Matcher[];
  weight: number;
  channel: string | undefined;
  mentions: readonly string[];
  /** false: stop evaluating further rules once this one matches. */
  continue: boolean;
  source: SourcePosition;
}

/**
 * Every rule file of a directory, validated, merged in file-name order and compiled. Immutable: a reload
 * builds a new RuleSet, and `digest` tells whether anything changed.
 */
export interface RuleSet {
  /** sha256 (hex) over each file's name and content, in load order. */
  digest: string;
  /** The files that were loaded, in load (lexical file-name) order. */
  files: string[];
  defaults: RoutingDefaults;
  rules: readonly CompiledRule[];
}

export const BUILTIN_DEFAULTS: RoutingDefaults = Object.freeze({
  channel: '#alerts',
  thresholds: Object.freeze({ P1: 100, P2: 50, P3: 20 }),
  mentions: Object.freeze({ P1: [], P2: [], P3: [], P4: [] }),
  notify: Object.freeze({ P1: true, P2: true, P3: true, P4: false }),
});
