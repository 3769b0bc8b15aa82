/**
 * The rule-file format, one schema per version. Version 1 is the only one; new optional fields were added to
 * it without changing the meaning of old files. A later version adds a schema here and a converter to the
 * same output shape, so loading and routing stay unchanged.
 *
 * Values are checked and converted inside the schema (matchers compiled, mentions normalised, windows built)
 * so that every problem carries the path of the YAML node it came from. References between files (window
 * names, rollback targets) are resolved after every file is parsed, in cross-file.ts.
 */
import { z } from 'zod';
import { RoleSchema, TargetSchema } from '../rollback/config-schema';
import { LABEL_NAME } from './matcher';
import { escalationSchema, rotationSchema, teamName } from './rotation-schema';
import {
  channel,
  duration,
  MAX_MULTIPLY,
  matcher,
  mention,
  name,
  namedWindow,
  score,
  timestamp,
  windowRef,
} from './schema-fields';

export { MAX_WEIGHT } from './schema-fields';

export const SUPPORTED_VERSIONS = [1] as const;

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

const labelName = z.string().regex(LABEL_NAME, {
  message: 'must be a label name ([a-zA-Z_][a-zA-Z0-9_]*)',
});

const labelWeights = z.record(labelName, z.record(z.string(), score));

const defaults = z.strictObject({
  channel: channel.optional(),
  channels: perPriority(channel).optional(),
  thresholds: thresholds.optional(),
  mentions: perPriority(z.array(mention)).optional(),
  notify: perPriority(z.boolean()).optional(),
  label_weights: labelWeights.optional(),
  rollup: z
    .strictObject({
      /** A first post would wait longer than this for Slack (about one post per second per channel). */
      after: duration.optional(),
      /** An open roll-up takes new groups until it has been quiet this long. */
      quiet: duration.optional(),
    })
    .optional(),
  escalation: perPriority(escalationSchema).optional(),
});

const when = z
  .strictObject({ inside: windowRef.optional(), outside: windowRef.optional() })
  .superRefine((w, ctx) => {
    if ((w.inside === undefined) === (w.outside === undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: '"when" needs exactly one of "inside" or "outside" (a window name or a window)',
      });
    }
  });

const boost = z
  .strictObject({
    weight: score,
    firing_for: duration.optional(),
    refires: z.number().int().min(1).max(1000).optional(),
  })
  .superRefine((b, ctx) => {
    if (b.firing_for === undefined && b.refires === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: '"boost" needs a condition: "firing_for" (e.g. 30m) and/or "refires" (e.g. 3)',
      });
    }
  });

const rule = z.strictObject({
  name,
  match: z.array(matcher).nullish(),
  weight: score.optional(),
  multiply: z.number().positive().max(MAX_MULTIPLY).optional(),
  when: when.optional(),
  boost: boost.optional(),
  channel: channel.optional(),
  mentions: z.array(mention).nullish(),
  notify: z.boolean().optional(),
  rollup: z.enum(['never', 'auto']).optional(),
  rollback_target: name.optional(),
  continue: z.boolean().optional(),
  team: teamName.optional(),
  escalation: escalationSchema.optional(),
});

const maintenance = z
  .strictObject({
    name,
    match: z.array(matcher).nullish(),
    start: timestamp.optional(),
    end: timestamp.optional(),
    window: windowRef.optional(),
    action: z.enum(['hold', 'downgrade']),
    downgrade_by: z.number().int().min(1).max(3).optional(),
    reason: z.string().max(500).optional(),
  })
  .superRefine((m, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (m.window !== undefined) {
      if (m.start !== undefined || m.end !== undefined) {
        issue('window', 'give either "start" and "end" or "window", not both');
      }
    } else if (m.start === undefined || m.end === undefined) {
      issue(
        m.start === undefined ? 'start' : 'end',
        `missing "${m.start === undefined ? 'start' : 'end'}": a maintenance window needs "start" and "end" (RFC 3339), or a recurring "window"`,
      );
    } else if (m.end <= m.start) {
      issue('end', '"end" must be after "start"');
    }
    if (m.downgrade_by !== undefined && m.action !== 'downgrade') {
      issue('downgrade_by', '"downgrade_by" only applies with "action: downgrade"');
    }
  });

export const fileSchemaV1 = z.strictObject({
  version: z.literal(1).optional(),
  defaults: defaults.optional(),
  windows: z.array(namedWindow).nullish(),
  rules: z.array(rule).nullish(),
  maintenance: z.array(maintenance).nullish(),
  targets: z.array(TargetSchema).nullish(),
  roles: z.array(RoleSchema).nullish(),
  rotations: z.array(rotationSchema).nullish(),
});

export type FileV1 = z.output<typeof fileSchemaV1>;
export type RuleV1 = z.output<typeof rule>;
export type DefaultsV1 = z.output<typeof defaults>;
export type MaintenanceV1 = z.output<typeof maintenance>;
