import type { Priority } from '../domain/alert';
import type { RoleConfig, RollbackTargetConfig } from '../rollback/config-schema';
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

/** Base weights for one label: the alert's value of `label` adds `values.get(value)` (absent reads as ""). */
export interface LabelWeights {
  label: string;
  values: ReadonlyMap<string, number>;
}

/** The `defaults:` block after merging with the built-in defaults. */
export interface RoutingDefaults {
  channel: string;
  /** Channel per (final) priority, used when no applied rule names a channel; before `channel`. */
  channels: Readonly<Partial<Record<Priority, string>>>;
  thresholds: Thresholds;
  /** Slack mention strings ("<@U…>", "<!subteam^S…>", "<!here>") pinged for every alert of a priority. */
  mentions: Readonly<Record<Priority, readonly string[]>>;
  /** false: the alert is recorded and shown in digests only; nobody is pinged. */
  notify: Readonly<Record<Priority, boolean>>;
  /** Added to every alert's score before any rule, in the order written. */
  labelWeights: readonly LabelWeights[];
  /** When a channel's new lower-priority groups are folded into one storm roll-up message. */
  rollup: Readonly<{ afterMs: number; quietMs: number }>;
  /** Escalation per priority (`defaults.escalation`); absent: that priority never escalates. */
  escalation: Readonly<Partial<Record<Priority, EscalationPolicy>>>;
}

/**
 * What happens to a group nobody acknowledges: after `afterMs` a reply in its thread pings chain[0], after
 * another `afterMs` chain[1], and so on (one step per deadline, at least one re-announcement). An acknowledged
 * group still firing `remindAfterMs` after the acknowledgement gets a reminder (and again every `remindAfterMs`).
 */
export interface EscalationPolicy {
  afterMs: number | undefined;
  /** Mention strings ("<@U…>", "<!subteam^S…>", "<!here>", "oncall:<team>") or "oncall": the routed team's. */
  chain: readonly string[];
  remindAfterMs: number | undefined;
}

/** An override of a rotation: `user` is on call from `start` (inclusive) to `end` (exclusive), epoch ms. */
export interface RotationOverride {
  user: string;
  start: number;
  end: number;
}

/**
 * One team's on-call rotation: members take turns of `lengthMs`, handing off at `handoff` on the local wall
 * clock of `timeZone`. Lengths of whole days count local calendar days, so a hand-off stays at 09:00 across
 * daylight-saving changes (that shift is then 23 or 25 hours long); other lengths (12h) count elapsed time.
 */
export interface Rotation {
  team: string;
  /** Slack user ids, in turn order. */
  members: readonly string[];
  lengthMs: number;
  /** lengthMs in days when it is a whole number of days, else undefined. */
  lengthDays: number | undefined;
  /** Minutes after local midnight. */
  handoff: number;
  timeZone: string;
  /** Days since 1970-01-01 of the local date the first shift starts. */
  startDay: number;
  /** Later entries win where they overlap. */
  overrides: readonly RotationOverride[];
  /** "weekly, hand-off mon 09:00 Europe/Berlin". */
  label: string;
  source: SourcePosition;
}

/** Where something was written, so tools such as `mogo rules test` can point back at it. */
export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

/**
 * A recurring weekly time window in a named time zone, compared on the local wall clock, so it follows
 * daylight-saving changes. `from` is inclusive and `to` exclusive; `to <= from` spans midnight, and then the
 * window belongs to the day it starts on.
 */
export interface TimeWindow {
  /** The name under `windows:`; undefined for a window written inline in a rule. */
  name: string | undefined;
  /** Bit d set: local weekday d (0 = Sunday … 6 = Saturday) is in the window. */
  days: number;
  /** Minutes after local midnight, 0…1439. */
  from: number;
  /** Minutes after local midnight, 1…1440 (1440 = "24:00", the end of the day). */
  to: number;
  /** IANA name, e.g. "Europe/Berlin". */
  timeZone: string;
  /** Short text for explanations: `business-hours` or `mon-fri 09:00-18:00 Europe/Berlin`. */
  label: string;
}

/** A rule applies only inside (or only outside) its window. */
export interface RuleWindow {
  inside: boolean;
  window: TimeWindow;
}

/** Extra weight for an applied rule while the alert has fired long enough or re-fired often enough. */
export interface Boost {
  weight: number;
  /** The alert's startsAt must be at least this long before `at`. */
  firingForMs: number | undefined;
  /** The alert must have re-fired at least this often (routeAlert's `history.refires`). */
  refires: number | undefined;
  /** "firing ≥ 30m", "re-fired ≥ 3 times". */
  label: string;
}

export interface CompiledRule {
  name: string;
  /** All must match; empty matches every alert. Regexes are compiled once, here. */
  matchers: readonly Matcher[];
  weight: number;
  /** Applied to the whole score after every weight is summed; 1 when not set. */
  multiply: number;
  when: RuleWindow | undefined;
  boost: Boost | undefined;
  channel: string | undefined;
  mentions: readonly string[];
  /** Overrides `defaults.notify` when this is the first applied rule that sets it. */
  notify: boolean | undefined;
  /** 'never': matching alerts always get their own message, even in a storm. */
  rollup: 'never' | 'auto' | undefined;
  /** A name declared under `targets:`. */
  rollbackTarget: string | undefined;
  /** false: stop evaluating further rules once this one applies. */
  continue: boolean;
  /** The team this rule routes to (whose on-call P1s mention and escalation pings). */
  team: string | undefined;
  /** Replaces defaults.escalation for the groups this rule (first of those that set one) applies to. */
  escalation: EscalationPolicy | undefined;
  source: SourcePosition;
}

/** While active, matching alerts are held (recorded, never posted) or downgraded by some priorities. */
export interface Maintenance {
  name: string;
  matchers: readonly Matcher[];
  /** Epoch milliseconds: start inclusive, end exclusive; both undefined when `window` is set. */
  start: number | undefined;
  end: number | undefined;
  /** A recurring maintenance window instead of start/end. */
  window: TimeWindow | undefined;
  action: 'hold' | 'downgrade';
  /** Priorities to move towards P4 (1…3); 0 for hold. */
  downgradeBy: number;
  reason: string | undefined;
  source: SourcePosition;
}

/**
 * Every rule file of a directory, validated, merged in file-name order and compiled. Immutable: a reload
 * builds a new RuleSet and swaps it in whole, and `digest` tells whether anything changed.
 */
export interface RuleSet {
  /** sha256 (hex) over each file's name and content, in load order. */
  digest: string;
  /** The files that were loaded, in load (lexical file-name) order. */
  files: string[];
  defaults: RoutingDefaults;
  rules: readonly CompiledRule[];
  /** The named windows (`windows:` of every file), in load order. */
  windows: readonly TimeWindow[];
  maintenance: readonly Maintenance[];
  /** Rollback targets (`targets:` of every file), names unique across files, in load order. */
  targets: readonly RollbackTargetConfig[];
  /** Roles (`roles:` of every file), names unique across files, in load order. */
  roles: readonly RoleConfig[];
  /** On-call rotations (`rotations:` of every file), one per team across files, in load order. */
  rotations: readonly Rotation[];
}

export const BUILTIN_DEFAULTS: RoutingDefaults = Object.freeze({
  channel: '#alerts',
  channels: Object.freeze({}),
  thresholds: Object.freeze({ P1: 100, P2: 50, P3: 20 }),
  mentions: Object.freeze({ P1: [], P2: [], P3: [], P4: [] }),
  notify: Object.freeze({ P1: true, P2: true, P3: true, P4: false }),
  labelWeights: Object.freeze([]),
  rollup: Object.freeze({ afterMs: 3_000, quietMs: 120_000 }),
  escalation: Object.freeze({}),
});
