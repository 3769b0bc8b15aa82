import type { Agent } from 'node:https';
import type { AxiosInstance } from 'axios';
import { AppError } from '../../errors';
import { type Runtime, truncate } from './runtime';

/**
 * The one way backends call out. Every HTTP answer comes back to the caller (validateStatus accepts all), so
 * failures are mapped here by meaning, never by axios' error text. Axios errors never escape: they carry the
 * request config, Authorization header included, and a logger serialising `err.cause` would print the token.
 */

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PATCH';
  /** Relative to the instance's baseURL (a leading "/" keeps any base path such as /api/v3). */
  url: string;
  params?: Record<string, string>;
  data?: unknown;
  headers?: Record<string, string>;
  /** What a 404 means is missing, e.g. 'workflow "rollback.yml" in acme/shop'. */
  what: string;
}

export interface HttpResponse {
  status: number;
  data: unknown;
  headers: Record<string, unknown>;
}

export interface HttpClient {
  /** One attempt. Network failures throw ROLLBACK_BACKEND_UNAVAILABLE; every HTTP answer is returned. */
  send(req: HttpRequest): Promise<HttpResponse>;
  /**
   * send, then a non-2xx answer throws the mapped AppError (`refine` may map it differently first). Reads
   * (GET) are tried up to 3 times while the failure is retryable; writes exactly once.
   */
  call(
    req: HttpRequest,
    refine?: (res: HttpResponse, message: string) => AppError | undefined,
  ): Promise<HttpResponse>;
  /** The AppError for a non-2xx answer by the rules in docs/rollback-backends.md. */
  failure(req: HttpRequest, res: HttpResponse): AppError;
}

export interface HttpOptions {
  rt: Runtime;
  /** "GitHub", "Argo CD", "the Kubernetes API", "the deploy webhook": used in messages. */
  label: string;
  baseURL?: string;
  timeoutMs: number;
  httpsAgent?: Agent;
  headers?: Record<string, string>;
  /** What 401/403 say was refused. Default "the token". */
  credential?: string;
  /** Name requests by host only (a webhook URL's path or query may hold a secret). */
  hostOnly?: boolean;
}

const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const TLS = /CERT|SELF_SIGNED|TLS|SSL/;

/** axios, required on the first backend made: about 30 MB that a bot which never rolls back does not load. */
const axiosModule = (): typeof import('axios') => require('axios');

export function createHttp(opts: HttpOptions): HttpClient {
  const { rt, label } = opts;
  const axios = axiosModule();
  const isAxiosError = axios.isAxiosError;
  const instance: AxiosInstance = axios.create({
    ...(opts.baseURL === undefined ? {} : { baseURL: opts.baseURL }),
    timeout: opts.timeoutMs,
    ...(opts.httpsAgent === undefined ? {} : { httpsAgent: opts.httpsAgent }),
    headers: { 'User-Agent': 'mogo-rollback', ...opts.headers },
    validateStatus: () => true,
    maxRedirects: 0,
    proxy: false,
  });
  const credential = opts.credential ?? 'the token';

  const where = (req: HttpRequest): { host: string; name: string } => {
    const url = new URL(instance.getUri({ url: req.url }));
    return {
      host: url.host,
      name: opts.hostOnly ? `${req.method} ${url.host}` : `${req.method} ${url.pathname}`,
    };
  };
  const details = (req: HttpRequest, extra: Record<string, unknown>): Record<string, unknown> => ({
    backend: label,
    target: rt.target,
    request: where(req).name,
    ...extra,
  });
  const say = (text: string): string => `target "${rt.target}": ${rt.scrub(text)}`;

  async function send(req: HttpRequest): Promise<HttpResponse> {
    const started = rt.now();
    try {
      const res = await instance.request({
        method: req.method,
        url: req.url,
        ...(req.params === undefined ? {} : { params: req.params }),
        ...(req.data === undefined ? {} : { data: req.data }),
        ...(req.headers === undefined ? {} : { headers: req.headers }),
      });
      rt.log?.info(
        { request: where(req).name, status: res.status, ms: rt.now() - started },
        'backend answered',
      );
      return { status: res.status, data: res.data, headers: { ...res.headers } };
    } catch (e) {
      throw networkFailure(req, e);
    }
  }

  function networkFailure(req: HttpRequest, e: unknown): AppError {
    const code = (isAxiosError(e) ? e.code : undefined) ?? 'ERROR';
    const cause = isAxiosError(e) && e.cause instanceof Error ? e.cause : e;
    const why = cause instanceof Error ? cause.message : String(cause);
    const { host, name } = where(req);
    const read = req.method === 'GET';
    rt.log?.warn({ request: name, code }, 'backend unreachable');
    if (TLS.test(code) || TLS.test(why)) {
      return new AppError('ROLLBACK_CONFIG', say(`the TLS certificate of ${host} is not trusted (${why})`), {
        details: details(req, { code }),
      });
    }
    if (code === 'ECONNABORTED' || code === 'ETIMEDOUT') {
      const text = `${label} at ${host} did not answer within ${Math.round(opts.timeoutMs / 1000)}s (${name})`;
      return new AppError(
        'ROLLBACK_BACKEND_UNAVAILABLE',
        say(read ? text : `${text}; it may have acted on it`),
        {
          retryable: read,
          details: details(req, { code }),
        },
      );
    }
    const neverSent = NEVER_SENT.has(code);
    const text = `cannot reach ${label} at ${host} (${code}: ${why})`;
    return new AppError(
      'ROLLBACK_BACKEND_UNAVAILABLE',
      say(read || neverSent ? text : `${text}; it may have acted on the request`),
      { retryable: read || neverSent, details: details(req, { code }) },
    );
  }

  function failure(req: HttpRequest, res: HttpResponse): AppError {
    const message = backendMessage(res.data, rt.scrub);
    const suffix = message ? `: ${message}` : '';
    const d = details(req, { status: res.status, ...(message ? { message } : {}) });
    const read = req.method === 'GET';
    const s = res.status;
    if (s === 429 || (s === 403 && isRateLimited(res, message))) {
      const retryAfter = Number(res.headers['retry-after']);
      return new AppError(
        'ROLLBACK_BACKEND_UNAVAILABLE',
        say(`${label} is rate limiting (HTTP ${s}${suffix})`),
        {
          // a rate-limited request was turned away before anything happened
          retryable: true,
          details: Number.isFinite(retryAfter) ? { ...d, retryAfterSeconds: retryAfter } : d,
        },
      );
    }
    if (s >= 500) {
      const text = `${label} is unavailable (HTTP ${s}${suffix})`;
      return new AppError(
        'ROLLBACK_BACKEND_UNAVAILABLE',
        say(read ? text : `${text}; it may have acted on it`),
        {
          retryable: read,
          details: d,
        },
      );
    }
    if (s === 401 || s === 403) {
      return new AppError(
        'ROLLBACK_CONFIG',
        `${credential} for target "${rt.target}" was refused by ${label} (HTTP ${s}${suffix})`,
        { details: d },
      );
    }
    if (s === 404) {
      return new AppError('ROLLBACK_CONFIG', say(`${label} has no ${req.what} (HTTP 404${suffix})`), {
        details: d,
      });
    }
    if (s >= 300 && s < 400) {
      const location = opts.hostOnly ? '' : ` to ${String(res.headers.location ?? '?')}`;
      return new AppError(
        'ROLLBACK_CONFIG',
        say(`${label} answered a redirect (HTTP ${s}${location}); check the URL in the target settings`),
        { details: d },
      );
    }
    return new AppError('ROLLBACK_REFUSED', say(`${label} refused (HTTP ${s}${suffix})`), { details: d });
  }

  async function call(
    req: HttpRequest,
    refine?: (res: HttpResponse, message: string) => AppError | undefined,
  ): Promise<HttpResponse> {
    const attempts = req.method === 'GET' ? 3 : 1;
    for (let attempt = 1; ; attempt++) {
      try {
        const res = await send(req);
        if (res.status >= 200 && res.status < 300) return res;
        throw refine?.(res, backendMessage(res.data, rt.scrub)) ?? failure(req, res);
      } catch (e) {
        const retry = e instanceof AppError && e.code === 'ROLLBACK_BACKEND_UNAVAILABLE' && e.retryable;
        if (!retry || attempt >= attempts) throw e;
        await rt.sleep(500 * 2 ** (attempt - 1));
      }
    }
  }

  return { send, call, failure };
}

/** The backend's own words: `message` (GitHub, Argo CD, Kubernetes Status), else `error`, else the text. */
export function backendMessage(data: unknown, scrub: (s: string) => string = (s) => s): string {
  let text = '';
  if (typeof data === 'string') text = data.trim();
  else if (data !== null && typeof data === 'object') {
    const o = data as Record<string, unknown>;
    if (typeof o.message === 'string' && o.message !== '') text = o.message;
    else if (typeof o.error === 'string') text = o.error;
    else if (o.error !== null && typeof o.error === 'object') return backendMessage(o.error, scrub);
    else text = JSON.stringify(data);
  }
  return truncate(scrub(text.replace(/\s+/g, ' ')), 300);
}

function isRateLimited(res: HttpResponse, message: string): boolean {
  return res.headers['x-ratelimit-remaining'] === '0' || /rate limit/i.test(message);
}
