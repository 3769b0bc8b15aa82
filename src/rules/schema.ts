/**
 * The rule-file format, one schema per version. Version 1 is the only one; a later version adds a schema
 * here and a converter to the same output shape, so loading and routing stay unchanged.
 *
 * Values are checked and converted inside the schema (matchers compiled, mentions normalised) so that every
 * problem carries the path of the YAML node it came from.
 */
import { z } from 'zod';
import { type Matcher, parseMatchers } from './matcher';
import { checkChannel, mentionProblem, normaliseMention } from './slack-targets';

export const SUPPORTED_VERSIONS = [1] as const;

export const MAX_WEIGHT = 1_000_000;

const channel = z.string().superRefine((s, ctx) => {
  const problem = checkChannel(s);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const mention = z.string().transform((s, ctx) => {
  const normalised = normaliseMention(s);
  if (normalised === undefined) {
    ctx.addIssue({ code: 'custom', message: mentionProblem(s) });
    return z.NEVER;
  }
  return normalised;
});

const matcher = z.string().transform((s, ctx): Matcher[] => {
  const parsed = parseMatchers(s);
  if (!parsed.ok) {
    ctx.addIssue({ code: 'custom', message: parsed.error });
    return z.NEVER;
  }
  return parsed.matchers;
});

const score = z.number().int().min(-MAX_WEIGHT).max(MAX_WEIGHT);

const thresholdFields = z.strictObject({ P1: score, P2: score, P3: score });

const thresholds = thresholdFields.superRefine((t, ctx) => {
  if (t.P1 <= t.P2) {
    ctx.addIssue({
      code: 'custom',
      path: ['P2'],
      message: `thresholds must descend: P2 (${t.P2}) must be lower than P1 (${t.P1})`,
    });
  }
  if (t.P2 <= t.P3) {
    ctx.addIssue({
      code: 'custom',
      path: ['P3'],
      message: `thresholds must descend: P3 (${t.P3}) must be lower than P2 (${t.P2})`,
    });
  }
});

const perPriority = <T extends z.ZodType>(value: T) =>
  z.strictObject({ P1: value.optional(), P2: value.optional(), P3: value.optional(), P4: value.optional() });

const mentionsByPriority = perPriority(z.array(mention));

const defaults = z.strictObject({
  channel: channel.optional(),
  thresholds: thresholds.optional(),
  mentions: mentionsByPriority.optional(),
  notify: perPriority(z.boolean()).optional(),
});

const rule = z.strictObject({
  name: z.string().trim().min(1).max(200),
  match: z.array(matcher).nullish(),
  weight: score.optional(),
  channel: channel.optional(),
  mentions: z.array(mention).nullish(),
  continue: z.boolean().optional(),
});

export const fileSchemaV1 = z.strictObject({
  version: z.literal(1).optional(),
  defaults: defaults.optional(),
  rules: z.array(rule).nullish(),
});

export type FileV1 = z.output<typeof fileSchemaV1>;
export type RuleV1 = z.output<typeof rule>;
export type DefaultsV1 = z.output<typeof defaults>;

const KEYS: Record<string, readonly string[]> = {
  '': Object.keys(fileSchemaV1.shape),
  defaults: Object.keys(defaults.shape),
  'defaults.thresholds': Object.keys(thresholdFields.shape),
  'defaults.mentions': Object.keys(mentionsByPriority.shape),
  'defaults.notify': Object.keys(mentionsByPriority.shape),
  'rules.*': Object.keys(rule.shape),
};

/** The fields allowed in the mapping at `path` (list indexes ignored), for "unknown field" messages. */
export function allowedKeysV1(path: readonly PropertyKey[]): readonly string[] {
  const key = path.map((seg) => (typeof seg === 'number' ? '*' : String(seg))).join('.');
  return KEYS[key] ?? [];
}
