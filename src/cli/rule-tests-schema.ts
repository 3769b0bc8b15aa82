/**
 * The format of rule unit tests, `<rules dir>/tests/*.yml` (like `promtool test rules`): cases that route an
 * Alertmanager payload (a file) or one alert written inline, at a given instant, and say what must come out.
 */
import { z } from 'zod';
import { PRIORITIES } from '../domain/alert';
import { channel, mention, name, timestamp } from '../rules/schema-fields';

const labels = z.record(z.string(), z.string());

const expectation = z.strictObject({
  priority: z.enum(PRIORITIES as unknown as [string, ...string[]]),
  channel,
  notify: z.boolean().optional(),
  /** As in rule files ("U…", "S…", "@here"); compared in order after normalising. */
  mentions: z.array(mention).optional(),
  /** null: no rollback target (no Rollback button). */
  rollback_target: z.string().min(1).nullable().optional(),
  score: z.number().int().optional(),
  /** The names of the rules that applied, in order. */
  rules: z.array(z.string()).optional(),
});

const testCase = z
  .strictObject({
    name,
    /** An Alertmanager webhook body (JSON), relative to the test file. */
    payload: z.string().min(1).optional(),
    /** With payload: route only this alert (index into `alerts`, from 0) instead of the whole group. */
    alert: z.number().int().min(0).optional(),
    labels: labels.optional(),
    annotations: labels.optional(),
    /** With labels: when the alert started firing (RFC 3339), for `boost.firing_for`. */
    starts_at: timestamp.optional(),
    /** How often the alert re-fired, for `boost.refires`; one alert only. */
    refires: z.number().int().min(0).optional(),
    /** The instant to route at (RFC 3339); default: the file's `at`, else now. */
    at: timestamp.optional(),
    expect: expectation,
  })
  .superRefine((c, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if ((c.payload === undefined) === (c.labels === undefined)) {
      issue('payload', 'a test needs exactly one of "payload" (a webhook JSON file) or "labels"');
    }
    if (c.payload !== undefined) {
      if (c.annotations !== undefined) issue('annotations', '"annotations" go with "labels", not "payload"');
      if (c.starts_at !== undefined)
        issue('starts_at', '"starts_at" goes with "labels"; a payload has startsAt');
      if (c.refires !== undefined && c.alert === undefined) {
        issue('refires', '"refires" describes one alert: use it with "labels", or pick one with "alert"');
      }
    } else if (c.alert !== undefined) {
      issue('alert', '"alert" picks one alert of a "payload"');
    }
  });

export const ruleTestFileSchema = z.strictObject({
  /** Default instant for every case of the file (RFC 3339). */
  at: timestamp.optional(),
  tests: z.array(testCase).min(1),
});

export type RuleTestFile = z.output<typeof ruleTestFileSchema>;
export type RuleTestCase = z.output<typeof testCase>;
