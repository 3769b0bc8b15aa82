import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Alert, Notification } from '../domain/alert';
import { runAtOnce } from '../yielding';
import { MAX_SANITIZED_PATHS, sanitizeJson } from './sanitize';

/** Alertmanager's "no end" timestamp: Go's zero time. */
const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

const labelMap = z.record(z.string(), z.string());
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-](\d{2}):(\d{2}))$/;

/**
 * RFC 3339 only, as Alertmanager sends them (Go's time.RFC3339Nano): JavaScript's Date.parse also takes "1"
 * (the year 2001) or "Tue, 1 Jan 2030", which would be shown as real times. Go's zero time is valid too.
 */
export function isRfc3339(s: string): boolean {
  const m = RFC3339.exec(s);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as number[];
  const daysInMonth = new Date(Date.UTC(year!, month!, 0)).getUTCDate();
  const offsetOk = m[9] === undefined || (Number(m[9]) <= 23 && Number(m[10]) <= 59);
  return (
    month! >= 1 &&
    month! <= 12 &&
    day! >= 1 &&
    (day! <= daysInMonth || year === 1) &&
    hour! <= 23 &&
    minute! <= 59 &&
    second! <= 60 &&
    offsetOk
  );
}

const timestamp = z.string().refine((s) => s === GO_ZERO_TIME || isRfc3339(s), {
  message: 'must be an RFC 3339 timestamp, e.g. "2026-01-31T12:00:00Z"',
});

const AlertSchema = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: labelMap.refine((l) => Object.keys(l).length > 0, { message: 'must have at least one label' }),
  annotations: labelMap.default({}),
  startsAt: timestamp,
  endsAt: timestamp.optional(),
  generatorURL: z.string().default(''),
  // Older Alertmanagers (< 0.19) send no fingerprint; one is derived from the labels then.
  fingerprint: z.string().min(1).optional(),
});

/**
 * The Alertmanager webhook body, version "4". Unknown fields are ignored so a newer Alertmanager never gets
 * its notification rejected; truncatedAlerts appeared in 0.21 and is optional.
 */
export const WebhookSchema = z.object({
  version: z.literal('4', { error: 'must be "4" (the Alertmanager webhook format this bot understands)' }),
  receiver: z.string(),
  status: z.enum(['firing', 'resolved']),
  alerts: z.array(AlertSchema).max(10_000),
  groupLabels: labelMap.default({}),
  commonLabels: labelMap.default({}),
  commonAnnotations: labelMap.default({}),
  externalURL: z.string().default(''),
  groupKey: z.string().min(1).max(10_000),
  truncatedAlerts: z.number().int().min(0).default(0),
});

export interface PayloadIssue {
  path: string;
  message: string;
}

export type ParseResult = { ok: true; notification: Notification } | { ok: false; issues: PayloadIssue[] };

/** Alerts validated between two yields of parseSteps: small enough that the event loop never waits long. */
const SLICE = 100;
const MAX_ISSUES = 20;

/** Everything but the alerts, which are validated one slice at a time. */
const Envelope = WebhookSchema.extend({ alerts: z.array(z.unknown()).max(10_000) });

/**
 * Validates a webhook body and makes its strings safe to store and show (see sanitize.ts); the paths that
 * were changed travel with the notification into its `alert.received` audit row. A generator that yields after
 * each slice of alerts, so the webhook route can let other requests (/healthz, Slack) in between while it
 * checks a 10,000-alert body; parseWebhook runs it through at once.
 */
export function* parseSteps(body: unknown): Generator<void, ParseResult> {
  const envelope = Envelope.safeParse(body);
  const issues: PayloadIssue[] = [];
  const report = (error: z.ZodError, prefix: PropertyKey[]) => {
    for (const i of error.issues)
      issues.push({ path: formatPath([...prefix, ...i.path]), message: plain(i.message) });
  };
  if (!envelope.success) report(envelope.error, []);
  const raw = Array.isArray((body as { alerts?: unknown })?.alerts)
    ? (body as { alerts: unknown[] }).alerts
    : [];
  const parsed: z.infer<typeof AlertSchema>[] = [];
  for (let i = 0; i < raw.length && i <= 10_000 && issues.length < MAX_ISSUES; i++) {
    if (i > 0 && i % SLICE === 0) yield;
    const r = AlertSchema.safeParse(raw[i]);
    if (r.success) parsed.push(r.data);
    else report(r.error, ['alerts', i]);
  }
  if (!envelope.success || issues.length > 0) return { ok: false, issues: issues.slice(0, MAX_ISSUES) };

  const head = sanitizeJson({ ...envelope.data, alerts: [] });
  // in document order: the fields written before `alerts`, the alerts, the rest
  const before = new Set(['version', 'receiver', 'status']);
  const first = head.paths.filter((p) => before.has(p.split(/[.[]/)[0]!));
  const paths = [...first];
  const alerts: Alert[] = [];
  for (const [i, one] of parsed.entries()) {
    if (i > 0 && i % SLICE === 0) yield;
    const { value: a, paths: changed } = sanitizeJson(one);
    for (const p of changed) paths.push(`alerts[${i}].${p}`);
    alerts.push({
      fingerprint: a.fingerprint ?? fingerprintOf(a.labels),
      status: a.status,
      labels: a.labels,
      annotations: a.annotations,
      startsAt: a.startsAt,
      endsAt: !a.endsAt || a.endsAt === GO_ZERO_TIME ? null : a.endsAt,
      generatorURL: a.generatorURL,
    });
  }
  const d = head.value;
  paths.push(...head.paths.filter((p) => !first.includes(p)));
  const sanitized = [...new Set(paths)];
  return {
    ok: true,
    notification: {
      receiver: d.receiver,
      status: d.status,
      alerts,
      groupLabels: d.groupLabels,
      commonLabels: d.commonLabels,
      commonAnnotations: d.commonAnnotations,
      externalURL: d.externalURL,
      groupKey: d.groupKey,
      truncatedAlerts: d.truncatedAlerts,
      ...(sanitized.length > 0
        ? { sanitized: { paths: sanitized.slice(0, MAX_SANITIZED_PATHS), count: sanitized.length } }
        : {}),
    },
  };
}

/** parseSteps all at once (the CLI, tests). */
export function parseWebhook(body: unknown): ParseResult {
  return runAtOnce(parseSteps(body));
}

/** zod's wording, in the words of someone reading an HTTP error: "is missing (expected a string)". */
function plain(message: string): string {
  const m = /^Invalid input: expected (\w+), received (\w+)$/.exec(message);
  if (!m) return message;
  const [, expected, received] = m;
  return received === 'undefined'
    ? `is missing (expected ${article(expected!)})`
    : `expected ${article(expected!)}, got ${article(received!)}`;
}

function article(zodType: string): string {
  const type = zodType === 'record' ? 'object' : zodType;
  return `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
}

function formatPath(path: PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`;
  return out || '(body)';
}

function fingerprintOf(labels: Record<string, string>): string {
  const h = createHash('sha256');
  for (const k of Object.keys(labels).sort()) h.update(`${k}\u0000${labels[k]}\u0001`);
  return h.digest('hex').slice(0, 16);
}
