import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DirectFile, FakeChannel } from './slack-channels';
import { createSlackLimiter, INCOMING_WEBHOOK } from './slack-limits';
import { type FakeMessage, type FakeSlackOptions, type SlackResult, SlackState } from './slack-state';

export type { DirectFile, FakeChannel } from './slack-channels';
export type { LimitSpec, SlackLimitsOption } from './slack-limits';
export { INCOMING_WEBHOOK } from './slack-limits';
export type { FakeMessage, FakeSlackOptions } from './slack-state';

/** One request the fake received, recorded once it was answered (so state already reflects it). */
export interface SlackCall {
  /** Web API method such as "chat.postMessage", "response_url" for posts to responseUrl(), "incoming-webhook". */
  method: string;
  /** Parsed body without the token; JSON-encoded form fields (blocks, attachments, view…) are parsed. */
  body: Record<string, unknown>;
  /** The bearer token (or body token) sent, null when none. */
  token: string | null;
  /** The request path, e.g. "/api/chat.postMessage" or "/respond/r1". */
  path: string;
  /** When the request arrived (ms since epoch). */
  at: number;
  /** HTTP status answered. */
  status: number;
  /** JSON answered, null for an injected HTTP error. */
  response: SlackResult | null;
  /** Answered 429 (by the fake's Slack limits or an injected ratelimited failure). */
  rateLimited: boolean;
}

/**
 * An injected failure: a Slack error (ratelimited answers HTTP 429 with Retry-After) or a bare HTTP status;
 * with `handled`, Slack did the work and only the answer was lost (a gateway timeout after the channel was made).
 */
export type SlackFailure = { error: string; retryAfter?: number } | { status: number; handled?: boolean };

export interface FakeSlack {
  /** Base for SLACK_API_URL / WebClient's slackApiUrl, e.g. "http://127.0.0.1:34567/api/". */
  readonly url: string;
  /** "http://127.0.0.1:34567". */
  readonly origin: string;
  readonly calls: readonly SlackCall[];
  /** Every posted message in posting order, as it looks after updates. */
  readonly messages: readonly FakeMessage[];
  callsTo(method: string): SlackCall[];
  message(channel: string, ts: string): FakeMessage | undefined;
  /** The id the fake gives a channel name ("#alerts" -> "C…"); ids pass through. */
  channelId(channel: string): string;
  /** An incoming-webhook URL (as Alertmanager's slack_configs api_url); posts record as "incoming-webhook". */
  webhookUrl(secret?: string): string;
  /** Calls answered 429 so far, all methods or one. */
  rateLimited(method?: string): number;
  /** Calls answered 429 so far, by method. */
  rateLimitedByMethod(): Record<string, number>;
  /** A URL on the fake to use as a block action's or slash command's response_url; posts record as "response_url". */
  responseUrl(id?: string): string;
  /** Resolves with the first recorded call (past or future) matching `predicate`; rejects after timeoutMs. */
  waitFor(predicate: (call: SlackCall) => boolean, timeoutMs?: number): Promise<SlackCall>;
  /** The next `times` calls to `method` fail as described (queued after earlier failures). */
  failNext(method: string, failure: SlackFailure, times?: number): void;
  /** Every later call to `method` is answered `ms` later (0 removes the delay). */
  delay(method: string, ms: number): void;
  /** What apps.connections.open answers from now on: a fake Socket Mode server's wsUrl. */
  setSocketModeUrl(url: string | undefined): void;
  /** A channel made by conversations.create or addChannel, by id or name. */
  channel(idOrName: string): FakeChannel | undefined;
  /** A channel made in Slack by someone else (a person: `creator` a user id), listed by conversations.list. */
  addChannel(name: string, creator: string, opts?: { private?: boolean; archived?: boolean }): FakeChannel;
  /** Files shared into people's direct messages with mogo (files.completeUploadExternal with a user id). */
  readonly directFiles: readonly DirectFile[];
  /** A person's message in a channel (or a thread), as if typed in Slack; returns its ts. */
  addUserMessage(channel: string, user: string, text: string, threadTs?: string): string;
  /** Forgets calls, messages, failures, delays and rate-limit buckets; ts values keep increasing. */
  reset(): void;
  close(): Promise<void>;
}

const JSON_FIELDS = new Set(['blocks', 'attachments', 'metadata', 'view']);
const POLL_MS = 10;
const WEBHOOK_PATH = /^\/services\/T\w+\/B\w+\/\w+$/;

/** A Slack Web API stand-in on 127.0.0.1 with a random port, speaking the wire format @slack/web-api uses. */
export async function startFakeSlack(opts: FakeSlackOptions = {}): Promise<FakeSlack> {
  const state = new SlackState(opts);
  const limiter = createSlackLimiter(opts.limits);
  const calls: SlackCall[] = [];
  const failures = new Map<string, SlackFailure[]>();
  const delays = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) send(res, 500, { ok: false, error: 'fake_slack_crashed', detail: String(e) });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const url = new URL(req.url ?? '/', 'http://fake');
    const raw = await readBody(req);
    const parsed = parseBody(raw, req.headers['content-type']);
    const body = { ...Object.fromEntries(url.searchParams), ...parsed };
    const auth = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    const token = auth?.[1] ?? (typeof body.token === 'string' ? body.token : null);
    delete body.token;

    const record = (method: string, status: number, response: SlackResult | null, text?: string): void => {
      calls.push({
        method,
        body,
        token,
        path: url.pathname,
        at,
        status,
        response,
        rateLimited: status === 429,
      });
      const retryAfter: Record<string, string> =
        status === 429 && response !== null ? { 'retry-after': String(retryAfterOf(response)) } : {};
      if (text !== undefined) {
        res.writeHead(status, { 'content-type': 'text/plain', ...retryAfter }).end(text);
      } else if (response === null) {
        res.writeHead(status, { 'content-type': 'text/plain' }).end(`fake slack: injected HTTP ${status}`);
      } else {
        send(res, status, response, retryAfter);
      }
    };
    const limited = (method: string, channel?: string): SlackResult | null => {
      const decision = limiter.take(method, channel);
      return decision.ok ? null : { ok: false, error: 'ratelimited', retry_after: decision.retryAfter };
    };

    // Slack answers incoming webhooks in plain text: "ok", an error string, or 429 past 1 per second.
    if (req.method === 'POST' && WEBHOOK_PATH.test(url.pathname)) {
      if (parsed === null)
        return record(INCOMING_WEBHOOK, 400, { ok: false, error: 'invalid_payload' }, 'invalid_payload');
      const refused = limited(INCOMING_WEBHOOK, url.pathname);
      if (refused !== null) return record(INCOMING_WEBHOOK, 429, refused, 'rate_limited');
      const result = state.incomingWebhook(body);
      return record(INCOMING_WEBHOOK, result.ok ? 200 : 400, result, result.ok ? 'ok' : String(result.error));
    }

    const upload = /^\/upload\/(F\d+)$/.exec(url.pathname);
    if (req.method === 'POST' && upload)
      return state.channels.upload(upload[1]!, raw)
        ? record('file-upload', 200, { ok: true }, 'OK - 200')
        : record('file-upload', 404, { ok: false, error: 'not_found' }, 'not found');
    if (req.method === 'POST' && url.pathname.startsWith('/respond/'))
      return record('response_url', 200, { ok: true });
    const method = /^\/api\/([\w.]+)$/.exec(url.pathname)?.[1];
    if (method === undefined) return record('unknown', 404, { ok: false, error: 'not_found' });

    const ms = delays.get(method) ?? 0;
    if (ms > 0) await new Promise((r) => setTimeout(r, ms));

    if (!state.knows(method)) return record(method, 200, { ok: false, error: 'unknown_method' });
    if (parsed === null) return record(method, 200, { ok: false, error: 'invalid_json' });
    if (token === null) return record(method, 200, { ok: false, error: 'not_authed' });
    if (!state.acceptsToken(token, method)) return record(method, 200, { ok: false, error: 'invalid_auth' });

    const failure = failures.get(method)?.shift();
    if (failure !== undefined) {
      if ('status' in failure) {
        if (failure.handled) state.handle(method, body);
        return record(method, failure.status, null);
      }
      if (failure.error === 'ratelimited') {
        return record(method, 429, { ok: false, error: 'ratelimited', retry_after: failure.retryAfter ?? 1 });
      }
      return record(method, 200, { ok: false, error: failure.error });
    }
    const channel = typeof body.channel === 'string' ? state.channelId(body.channel) : undefined;
    const refused = limited(method, channel);
    if (refused !== null) return record(method, 429, refused);
    return record(method, 200, state.handle(method, body));
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  state.origin = origin;

  return {
    url: `${origin}/api/`,
    origin,
    calls,
    get messages() {
      return [...state.messages.values()];
    },
    callsTo: (method) => calls.filter((c) => c.method === method),
    message: (channel, ts) => state.messages.get(`${state.channelId(channel)}:${ts}`),
    channelId: (channel) => state.channelId(channel),
    webhookUrl: (secret = 'XXXXXXXXXXXXXXXXXXXXXXXX') => `${origin}/services/T0001/B0001/${secret}`,
    rateLimited: (method) =>
      calls.filter((c) => c.rateLimited && (method === undefined || c.method === method)).length,
    rateLimitedByMethod() {
      const out: Record<string, number> = {};
      for (const c of calls) if (c.rateLimited) out[c.method] = (out[c.method] ?? 0) + 1;
      return out;
    },
    responseUrl: (id = 'r1') => `${origin}/respond/${encodeURIComponent(id)}`,
    waitFor(predicate, timeoutMs = 5000) {
      return new Promise<SlackCall>((resolve, reject) => {
        const started = Date.now();
        const poll = (): void => {
          const found = calls.find(predicate);
          if (found !== undefined) {
            resolve(found);
            return;
          }
          if (Date.now() - started >= timeoutMs) {
            const seen = calls.map((c) => c.method).join(', ') || 'none';
            reject(new Error(`fake slack: no matching call within ${timeoutMs}ms (calls: ${seen})`));
            return;
          }
          const t = setTimeout(() => {
            timers.delete(t);
            poll();
          }, POLL_MS);
          timers.add(t);
        };
        poll();
      });
    },
    failNext(method, failure, times = 1) {
      const queue = failures.get(method) ?? [];
      for (let i = 0; i < times; i++) queue.push(failure);
      failures.set(method, queue);
    },
    delay(method, ms) {
      if (ms > 0) delays.set(method, ms);
      else delays.delete(method);
    },
    setSocketModeUrl: (url) => state.setSocketModeUrl(url),
    get directFiles() {
      return [...state.channels.direct];
    },
    channel: (idOrName) =>
      state.channels.byId.get(idOrName) ?? state.channels.byName(idOrName.replace(/^#/, '')),
    addChannel: (name, creator, opts) => state.channels.add(name, creator, opts),
    addUserMessage: (channel, user, text, threadTs) => state.addUserMessage(channel, user, text, threadTs),
    reset() {
      calls.length = 0;
      failures.clear();
      delays.clear();
      limiter.reset();
      state.reset();
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
}

function send(
  res: ServerResponse,
  status: number,
  body: SlackResult,
  headers: Record<string, string> = {},
): void {
  res
    .writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
    .end(JSON.stringify(body));
}

function retryAfterOf(response: SlackResult): number {
  return typeof response.retry_after === 'number' ? response.retry_after : 1;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** JSON bodies as they are (null when not valid JSON); form bodies field by field, decoding the fields @slack/web-api JSON-encodes. */
function parseBody(raw: string, contentType: string | undefined): Record<string, unknown> | null {
  if (raw === '') return {};
  if (contentType?.startsWith('application/json')) {
    const parsed = parseJsonField(raw);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : null;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    out[k] = JSON_FIELDS.has(k) ? parseJsonField(v) : v;
  }
  return out;
}

function parseJsonField(v: string): unknown {
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}
