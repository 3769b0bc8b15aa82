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
 * Returns a copy of a JSON value with every string and object key made safe, and where that changed anything.
 * A key that was changed is reported under its new name.
 */
export function sanitizeJson<T>(value: T): Sanitized<T> {
  const paths: string[] = [];
  const walk = (v: unknown, path: string): unknown => {
    if (typeof v === 'string') {
      const safe = sanitizeString(v);
      if (safe !== v) paths.push(path || '(body)');
      return safe;
    }
    if (Array.isArray(v)) return v.map((item, i) => walk(item, `${path}[${i}]`));
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v)) {
        const key = sanitizeString(k);
        const at = path === '' ? key : `${path}.${key}`;
        if (key !== k) paths.push(at);
        out[key] = walk(item, at);
      }
      return out;
    }
    return v;
  };
  return { value: walk(value, '') as T, paths };
}
