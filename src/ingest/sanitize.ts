/**
 * Strings PostgreSQL or Slack cannot take: NUL (PostgreSQL refuses it in text and jsonb), lone UTF-16
 * surrogates (jsonb refuses "\ud800"; Slack drops the message), and the other C0/C1 control characters
 * except tab and newline. Each is replaced by U+FFFD on intake, so a notification is recorded instead of
 * failing with a 5xx that Alertmanager retries for ever (and that freezes its group).
 */
const UNSAFE = new RegExp(
  [
    '[\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F]', // C0 and C1 controls but \t and \n
    '[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])', // a high surrogate without its low half
    '(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]', // a low surrogate without its high half
  ].join('|'),
  'g',
);

export const REPLACEMENT = '\uFFFD';

/** At most this many sanitised paths are listed; `sanitizedCount` in the audit row says how many in all. */
export const MAX_SANITIZED_PATHS = 50;

export function sanitizeString(s: string): string {
  return s.replace(UNSAFE, REPLACEMENT);
}

export interface Sanitized<T> {
  value: T;
  /** Paths (e.g. `alerts[0].labels.job`, `receiver`) where something was replaced, in document order. */
  paths: string[];
}

/**
 * A JSON value with every string and object key made safe, and where that changed anything. Copy on write:
 * what needed no change is returned as it came (the same object), so a clean 10,000-alert notification is not
 * copied once more on intake. A key that was changed is reported under its new name.
 */
export function sanitizeJson<T>(value: T): Sanitized<T> {
  const paths: string[] = [];
  const walk = (v: unknown, path: string): unknown => {
    if (typeof v === 'string') {
      const safe = sanitizeString(v);
      if (safe !== v) paths.push(path || '(body)');
      return safe;
    }
    if (Array.isArray(v)) {
      let out: unknown[] | undefined;
      for (let i = 0; i < v.length; i++) {
        const item = walk(v[i], `${path}[${i}]`);
        if (item !== v[i]) out ??= v.slice(0, i);
        out?.push(item);
      }
      return out ?? v;
    }
    if (v !== null && typeof v === 'object') {
      let out: Record<string, unknown> | undefined;
      const entries = Object.entries(v);
      for (const [n, [k, item]] of entries.entries()) {
        const key = sanitizeString(k);
        const at = path === '' ? key : `${path}.${key}`;
        if (key !== k) paths.push(at);
        const safe = walk(item, at);
        if (key !== k || safe !== item) out ??= Object.fromEntries(entries.slice(0, n));
        if (out) out[key] = safe;
      }
      return out ?? v;
    }
    return v;
  };
  return { value: walk(value, '') as T, paths };
}
