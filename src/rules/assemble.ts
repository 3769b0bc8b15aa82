/**
 * Validated files -> one frozen RuleSet: defaults merged with the built-in ones, window names resolved to the
 * windows they name (cross-file.ts has already checked every reference), everything in load order.
 */
import type { Priority } from '../domain/alert';
import type { RoleConfig, RollbackTargetConfig } from '../rollback/config-schema';
import { type FileContext, offsetOf, positionAt } from './problems';
import type { DefaultsV1, FileV1, MaintenanceV1, RuleV1 } from './schema';
import { formatDuration } from './time';
import {
  type Boost,
  BUILTIN_DEFAULTS,
  type CompiledRule,
  type LabelWeights,
  type Maintenance,
  type Rotation,
  type RoutingDefaults,
  type RuleSet,
  type RuleWindow,
  type SourcePosition,
  type TimeWindow,
} from './types';

export interface ParsedFile {
  ctx: FileContext;
  data: FileV1;
}

type WindowRef = string | TimeWindow;

export function assembleRuleSet(digest: string, files: readonly ParsedFile[]): RuleSet {
  const windows = files.flatMap((f) => f.data.windows ?? []);
  const byName = new Map(windows.map((w) => [w.name!, w]));
  const resolve = (ref: WindowRef): TimeWindow => (typeof ref === 'string' ? byName.get(ref)! : ref);
  const position = (f: ParsedFile, path: PropertyKey[]) => positionAt(f.ctx, offsetOf(f.ctx, path));

  const rules = files.flatMap((f) =>
    (f.data.rules ?? []).map((r, i) => compileRule(r, position(f, ['rules', i]), resolve)),
  );
  const maintenance = files.flatMap((f) =>
    (f.data.maintenance ?? []).map((m, i) => compileMaintenance(m, position(f, ['maintenance', i]), resolve)),
  );
  const targets: RollbackTargetConfig[] = files.flatMap((f) => f.data.targets ?? []).map(deepFreeze);
  const roles: RoleConfig[] = files.flatMap((f) => f.data.roles ?? []).map(deepFreeze);
  const rotations: Rotation[] = files.flatMap((f) =>
    (f.data.rotations ?? []).map((r, i) => deepFreeze({ ...r, source: position(f, ['rotations', i]) })),
  );
  return Object.freeze({
    digest,
    files: files.map((f) => f.ctx.file),
    defaults: mergeDefaults(files.find((f) => f.data.defaults)?.data.defaults),
    rules: Object.freeze(rules),
    windows: Object.freeze(windows),
    maintenance: Object.freeze(maintenance),
    targets: Object.freeze(targets),
    roles: Object.freeze(roles),
    rotations: Object.freeze(rotations),
  });
}

function compileRule(
  r: RuleV1,
  source: SourcePosition,
  resolve: (ref: WindowRef) => TimeWindow,
): CompiledRule {
  let when: RuleWindow | undefined;
  if (r.when) {
    const inside = r.when.inside !== undefined;
    when = Object.freeze({ inside, window: resolve((r.when.inside ?? r.when.outside)!) });
  }
  let boost: Boost | undefined;
  if (r.boost) {
    const { weight, firing_for: firingForMs, refires } = r.boost;
    const conditions = [
      ...(firingForMs === undefined ? [] : [`firing ≥ ${formatDuration(firingForMs)}`]),
      ...(refires === undefined ? [] : [`re-fired ≥ ${refires} ${refires === 1 ? 'time' : 'times'}`]),
    ];
    boost = Object.freeze({ weight, firingForMs, refires, label: conditions.join(' and ') });
  }
  return Object.freeze({
    name: r.name,
    matchers: Object.freeze((r.match ?? []).flat()),
    weight: r.weight ?? 0,
    multiply: r.multiply ?? 1,
    when,
    boost,
    channel: r.channel,
    mentions: Object.freeze([...new Set(r.mentions ?? [])]),
    notify: r.notify,
    rollup: r.rollup,
    rollbackTarget: r.rollback_target,
    continue: r.continue ?? true,
    team: r.team,
    escalation: r.escalation && deepFreeze(r.escalation),
    source,
  });
}

function compileMaintenance(
  m: MaintenanceV1,
  source: SourcePosition,
  resolve: (ref: WindowRef) => TimeWindow,
): Maintenance {
  return Object.freeze({
    name: m.name,
    matchers: Object.freeze((m.match ?? []).flat()),
    start: m.start,
    end: m.end,
    window: m.window === undefined ? undefined : resolve(m.window),
    action: m.action,
    downgradeBy: m.action === 'hold' ? 0 : (m.downgrade_by ?? 1),
    reason: m.reason,
    source,
  });
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
  const unique = (list: string[] | undefined) => list && Object.freeze([...new Set(list)]);
  const mentions = d.mentions && {
    P1: unique(d.mentions.P1),
    P2: unique(d.mentions.P2),
    P3: unique(d.mentions.P3),
    P4: unique(d.mentions.P4),
  };
  const labelWeights: LabelWeights[] = Object.entries(d.label_weights ?? {}).map(([label, values]) =>
    Object.freeze({ label, values: new Map(Object.entries(values)) }),
  );
  const channels = Object.fromEntries(Object.entries(d.channels ?? {}).filter(([, c]) => c !== undefined));
  return Object.freeze({
    channel: d.channel ?? BUILTIN_DEFAULTS.channel,
    channels: Object.freeze(channels),
    thresholds: Object.freeze({ ...(d.thresholds ?? BUILTIN_DEFAULTS.thresholds) }),
    mentions: perPriority<readonly string[]>(BUILTIN_DEFAULTS.mentions, mentions),
    notify: perPriority(BUILTIN_DEFAULTS.notify, d.notify),
    labelWeights: Object.freeze(labelWeights),
    rollup: Object.freeze({
      afterMs: d.rollup?.after ?? BUILTIN_DEFAULTS.rollup.afterMs,
      quietMs: d.rollup?.quiet ?? BUILTIN_DEFAULTS.rollup.quietMs,
    }),
    escalation: deepFreeze({ ...(d.escalation ?? {}) }),
  });
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
