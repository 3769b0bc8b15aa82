import { z } from 'zod';
import type { AlertmanagerAuth } from '../config';
import { AppError } from '../errors';
import type { ManagedAlert, SilenceInfo, SilenceMatcher, Silences } from '../ports';

export interface AlertmanagerClientConfig {
  /** Base URL, e.g. http://alertmanager:9093 (a path prefix such as /alertmanager is kept). */
  url: string;
  auth: AlertmanagerAuth;
  /** Per request; default 5 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const DEFAULT_TIMEOUT_MS = 5_000;

/**
 * The Silences port over Alertmanager's API v2 with fetch. Every failure becomes an AppError whose message can be
 * shown to a person as it is: what Alertmanager said, or that it could not be reached, and where.
 */
export function createAlertmanagerSilences(config: AlertmanagerClientConfig): Silences {
  const base = config.url.replace(/\/+$/, '');
  const where = redacted(base);
  const doFetch = config.fetch ?? fetch;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (config.auth?.kind === 'bearer') headers.authorization = `Bearer ${config.auth.token}`;
  if (config.auth?.kind === 'basic')
    headers.authorization = `Basic ${Buffer.from(`${config.auth.username}:${config.auth.password}`).toString('base64')}`;

  async function call(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; text: string }> {
    let res: Response;
    try {
      res = await doFetch(`${base}${path}`, {
        method,
        headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(config.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      });
    } catch (err) {
      throw new AppError(
        'ALERTMANAGER_UNAVAILABLE',
        `Alertmanager at ${where} could not be reached (${reasonOf(err)}).`,
        { cause: err, details: { method, path } },
      );
    }
    const text = await res.text().catch(() => '');
    return { status: res.status, text };
  }

  function fail(what: string, r: { status: number; text: string }, path: string): never {
    const said = alertmanagerWords(r.text);
    const details = { status: r.status, path };
    if (r.status === 401 || r.status === 403)
      throw new AppError(
        'ALERTMANAGER_UNAUTHORIZED',
        `Alertmanager at ${where} refused mogo's credentials (HTTP ${r.status}) when asked to ${what}; check ALERTMANAGER_API_TOKEN or ALERTMANAGER_API_USERNAME/PASSWORD.`,
        { details },
      );
    if (r.status === 400 || r.status === 422)
      throw new AppError(
        'ALERTMANAGER_REJECTED',
        `Alertmanager refused to ${what}${said ? `: ${said}` : ` (HTTP ${r.status})`}.`,
        { details },
      );
    throw new AppError(
      'ALERTMANAGER_UNAVAILABLE',
      `Alertmanager at ${where} could not ${what} (HTTP ${r.status}${said ? `: ${said}` : ''}).`,
      { details },
    );
  }

  return {
    async create(s) {
      const path = '/api/v2/silences';
      const r = await call('POST', path, {
        matchers: s.matchers,
        startsAt: s.startsAt.toISOString(),
        endsAt: s.endsAt.toISOString(),
        createdBy: s.createdBy,
        comment: s.comment,
      });
      if (r.status !== 200) fail('create the silence', r, path);
      const id = parse<{ silenceID?: unknown }>(r.text)?.silenceID;
      if (typeof id !== 'string' || id === '')
        throw new AppError(
          'ALERTMANAGER_UNAVAILABLE',
          `Alertmanager at ${where} answered without a silence id.`,
        );
      return { id };
    },

    async expire(id) {
      const path = `/api/v2/silence/${encodeURIComponent(id)}`;
      const r = await call('DELETE', path);
      if (r.status === 200) return 'expired';
      if (r.status === 404) return 'gone';
      // Alertmanager answers 500 "silence … already expired" for one that has ended on its own
      if (r.status === 500 && /already expired/i.test(r.text)) return 'gone';
      return fail('expire the silence', r, path);
    },

    async get(id) {
      const path = `/api/v2/silence/${encodeURIComponent(id)}`;
      const r = await call('GET', path);
      if (r.status === 404) return null;
      if (r.status !== 200) fail('read the silence', r, path);
      return toSilence(parse(r.text), where);
    },

    async alerts(matchers) {
      const query = matchers.map((m) => `filter=${encodeURIComponent(matcherText(m))}`).join('&');
      const path = `/api/v2/alerts${query ? `?${query}` : ''}`;
      const r = await call('GET', path);
      if (r.status !== 200) fail('list alerts', r, path.split('?')[0]!);
      return toAlerts(parse(r.text), where);
    },
  };
}

/** A matcher in Alertmanager's filter syntax: `name="value"`, `name!~"re"`. */
export function matcherText(m: SilenceMatcher): string {
  const operator = m.isEqual ? (m.isRegex ? '=~' : '=') : m.isRegex ? '!~' : '!=';
  return `${m.name}${operator}${JSON.stringify(m.value)}`;
}

const MatcherSchema = z.object({
  name: z.string(),
  value: z.string(),
  isRegex: z.boolean().default(false),
  isEqual: z.boolean().default(true),
});

/** GET /api/v2/silence/{id}: only the fields mogo reads; anything else Alertmanager adds is ignored. */
const SilenceSchema = z.object({
  id: z.string(),
  status: z.object({ state: z.string() }),
  startsAt: z.string(),
  endsAt: z.string(),
  createdBy: z.string().default(''),
  comment: z.string().default(''),
  matchers: z.array(MatcherSchema).default([]),
});

const AlertSchema = z.object({
  fingerprint: z.string(),
  labels: z.record(z.string(), z.string()).default({}),
  status: z.object({ state: z.string(), silencedBy: z.array(z.string()).nullish() }),
  endsAt: z.string(),
});

function toSilence(raw: unknown, where: string): SilenceInfo {
  const s = shaped(SilenceSchema, raw, where, 'silence');
  const state = s.status.state;
  return {
    ...s,
    state: state === 'active' || state === 'pending' ? state : 'expired',
    startsAt: new Date(s.startsAt),
    endsAt: new Date(s.endsAt),
  };
}

function toAlerts(raw: unknown, where: string): ManagedAlert[] {
  return shaped(z.array(AlertSchema), raw, where, 'alert list').map((a) => ({
    fingerprint: a.fingerprint,
    labels: a.labels,
    state: a.status.state === 'suppressed' || a.status.state === 'unprocessed' ? a.status.state : 'active',
    silencedBy: a.status.silencedBy ?? [],
    endsAt: new Date(a.endsAt),
  }));
}

function shaped<T>(schema: z.ZodType<T>, raw: unknown, where: string, what: string): T {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  throw new AppError(
    'ALERTMANAGER_UNAVAILABLE',
    `Alertmanager at ${where} answered a ${what} mogo cannot read.`,
    {
      details: { issues: r.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`) },
    },
  );
}

function parse<T>(text: string): T | null {
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}

/** Alertmanager's error bodies are a JSON string or plain text; the first 300 characters, one line. */
function alertmanagerWords(text: string): string {
  const parsed = parse<unknown>(text);
  const message = (parsed as { message?: unknown } | null)?.message;
  const words = typeof parsed === 'string' ? parsed : typeof message === 'string' ? message : text;
  return words.replace(/\s+/g, ' ').trim().slice(0, 300);
}

function reasonOf(err: unknown): string {
  const e = err as { name?: string; cause?: { code?: string; message?: string }; message?: string };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'no answer in time';
  const code = e?.cause?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  return code ?? e?.cause?.message ?? e?.message ?? 'network error';
}

/** The URL without credentials, for messages. */
function redacted(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/+$/, '');
  } catch {
    return 'ALERTMANAGER_URL';
  }
}
