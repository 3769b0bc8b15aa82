import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import {
  type App,
  type BufferedIncomingMessage,
  HTTPModuleFunctions,
  type Receiver,
  type ReceiverEvent,
  verifySlackRequest,
} from '@slack/bolt';
import { asAppError } from '../errors';
import { readBody } from '../http/body';
import { sendError, sendNotReady } from '../http/respond';
import { createRejectionThrottle } from '../ingest/reject-throttle';
import { sanitizeJson } from '../ingest/sanitize';
import type { Logger } from '../logger';
import type { AuditLog } from '../ports';
import type { SeenRequests } from '../ports/seen-requests';
import { guardAck } from './ack-deadline';

const SLACK_BODY_LIMIT = 1024 * 1024;
/** Slack's own window: a signature older than this is stale (Bolt's verifySlackRequest enforces it). */
const SIGNATURE_WINDOW_MS = 5 * 60_000;

export interface SlackReceiverDeps {
  signingSecret: string;
  logger: Logger;
  audit: AuditLog;
  /** Signed requests already accepted; shared across replicas when Redis is configured. */
  seen: SeenRequests;
  /** Wall-clock milliseconds, as Slack's timestamps are (not the domain clock tests move); default Date.now. */
  now?: () => number;
  /** How far in the future a request timestamp may be (clock skew); default 60 s. */
  futureSkewMs?: number;
  /** One slack.rejected audit row per remote address and reason per window (default 60 s). */
  rejectionAuditWindowMs?: number;
  /**
   * Why this replica must take no work now (the schema guard); undefined while it may. An event is then answered
   * 503 and not remembered as seen, so Slack sends it again (see holdEvent); other requests get their polite
   * answers from the Bolt middleware (not-ready-answer.ts).
   */
  notReady?: () => string | undefined;
}

type Why = 'bad_signature' | 'future_timestamp' | 'replayed';

/**
 * Bolt receiver for HTTP mode inside mogo's own HTTP server (one port for Slack, Alertmanager, health and
 * metrics). Bolt's own pieces do the standard work: verifySlackRequest (v0 signature, stale timestamps),
 * HTTPModuleFunctions for body parsing, ssl_check, url_verification and the ack response. What Bolt's
 * HTTPReceiver cannot be used for, and so is done here: it owns its own http.Server (mogo serves one port), it
 * accepts timestamps from the future and replays of a request within its 5-minute window, and a request no
 * listener acks gets no answer until its own timeout. mogo refuses the first two and acks the last at once. And
 * while this replica must take no work, an event gets a 503 for Slack to send it again (holdEvent).
 */
export class SlackHttpReceiver implements Receiver {
  private app: App | undefined;
  private readonly log: Logger;
  private readonly throttle: ReturnType<typeof createRejectionThrottle>;

  constructor(private readonly deps: SlackReceiverDeps) {
    this.log = deps.logger.child({ module: 'slack-receiver' });
    this.throttle = createRejectionThrottle(deps.rejectionAuditWindowMs ?? 60_000);
  }

  init(app: App): void {
    this.app = app;
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw: Buffer;
    try {
      raw = await readBody(req, SLACK_BODY_LIMIT);
    } catch (e) {
      const err = asAppError(e);
      sendError(res, err.httpStatus, err.code, err.message);
      return;
    }
    const buffered = Object.assign(req, { rawBody: raw }) as BufferedIncomingMessage;
    const text = raw.toString('utf8');
    const contentType = header(req, 'content-type') ?? '';
    // Slack's ssl_check carries no signature; Bolt answers it without looking at anything else, and so do we
    if (contentType === 'application/x-www-form-urlencoded' && parseQuery(text).ssl_check === '1') {
      HTTPModuleFunctions.buildSSLCheckResponse(res);
      return;
    }
    const refused = this.verify(req, text);
    if (refused) {
      this.reject(req, res, refused);
      return;
    }
    let body: unknown;
    try {
      body = HTTPModuleFunctions.parseHTTPRequestBody(buffered);
    } catch {
      body = undefined;
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      sendError(res, 400, 'PAYLOAD_INVALID', 'unreadable Slack request body');
      return;
    }
    // Slack's strings go to PostgreSQL too (a message ts, a button value): the same intake rule as the webhook
    const event = sanitizeJson(body as Record<string, unknown>).value;
    const notReady = event.type === 'event_callback' ? this.deps.notReady?.() : undefined;
    if (notReady) {
      this.holdEvent(req, res, event, notReady);
      return;
    }
    let first: boolean;
    try {
      // the signature covers timestamp and body: a second request with it is the same request again
      first = await this.deps.seen.firstSeen(`slack:${header(req, 'x-slack-signature')}`, this.seenForMs());
    } catch (e) {
      const err = asAppError(e);
      this.log.error({ err }, 'could not check the Slack request for a replay; refused it');
      sendError(res, 503, err.code, 'could not check this request just now; retry', { retryable: true });
      return;
    }
    if (!first) {
      this.reject(req, res, 'replayed');
      return;
    }
    if (event.type === 'url_verification') {
      HTTPModuleFunctions.buildUrlVerificationResponse(res, event);
      return;
    }
    await this.dispatch(req, res, event);
  }

  /** null when the request is Slack's and current; otherwise why not. Whether it is new is asked after. */
  private verify(req: IncomingMessage, text: string): Exclude<Why, 'replayed'> | null {
    const signature = header(req, 'x-slack-signature') ?? '';
    const timestamp = Number(header(req, 'x-slack-request-timestamp') ?? Number.NaN);
    const now = (this.deps.now ?? Date.now)();
    try {
      verifySlackRequest({
        signingSecret: this.deps.signingSecret,
        body: text,
        headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp },
        nowMilliseconds: now,
      });
    } catch {
      return 'bad_signature';
    }
    return timestamp * 1000 > now + this.skewMs() ? 'future_timestamp' : null;
  }

  private skewMs(): number {
    return this.deps.futureSkewMs ?? 60_000;
  }

  private seenForMs(): number {
    return SIGNATURE_WINDOW_MS + this.skewMs();
  }

  /**
   * An event reaching a replica that must take no work (a rolling upgrade past its schema): a 5xx instead of the
   * ack, so Slack retries it (at once, then after about 1 and 5 minutes, to whichever replica the load balancer
   * picks; this one is out of the Service by then). Nothing ran and the signature is not remembered, so the retry
   * is accepted even if Slack sent the very same headers again (Slack's documentation does not say whether a retry
   * is signed anew; if it were not, the one after 5 minutes would fail the staleness check here as in any Slack
   * SDK, and the earlier two still fit the window). Clicks, dialogs and commands are not held: a 5xx there shows
   * the person a raw error, so they get their polite answer from the middleware instead.
   */
  private holdEvent(
    req: IncomingMessage,
    res: ServerResponse,
    body: Record<string, unknown>,
    reason: string,
  ) {
    const inner = body.event as { type?: unknown } | undefined;
    this.log.info(
      {
        type: inner?.type,
        eventId: body.event_id,
        retryNum: HTTPModuleFunctions.extractRetryNumFromHTTPRequest(req),
        reason,
      },
      'Slack event answered 503 for Slack to retry: not ready',
    );
    sendNotReady(res, reason);
  }

  private reject(req: IncomingMessage, res: ServerResponse, why: Why): void {
    const remote = req.socket.remoteAddress ?? 'unknown';
    const message = {
      bad_signature: 'invalid or stale Slack signature',
      future_timestamp: 'Slack request timestamp is in the future',
      replayed: 'this signed Slack request was already handled',
    }[why];
    const admitted = this.throttle.admit(`${remote} ${why}`);
    if (admitted) {
      const suppressed = admitted.suppressed > 0 ? { suppressedSinceLast: admitted.suppressed } : {};
      this.deps.audit.append({
        actor: 'slack',
        action: 'slack.rejected',
        subject: 'slack:events',
        details: { status: 401, reason: why, remote, ...suppressed },
      });
      this.log.warn({ reason: why, remote, ...suppressed }, `Slack request rejected: ${message}`);
    } else {
      this.log.debug({ reason: why, remote }, `Slack request rejected: ${message}`);
    }
    sendError(res, 401, 'UNAUTHORIZED', message, { why });
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>) {
    const guard = guardAck(
      (response) => HTTPModuleFunctions.buildContentResponse(res, response),
      this.log,
      body.type,
    );
    const event: ReceiverEvent = {
      body,
      retryNum: HTTPModuleFunctions.extractRetryNumFromHTTPRequest(req),
      retryReason: HTTPModuleFunctions.extractRetryReasonFromHTTPRequest(req),
      ack: guard.ack,
    };
    try {
      if (!this.app) throw new Error('receiver used before init()');
      await this.app.processEvent(event);
      // no listener for it (unknown action_id, shortcut, view): Slack still gets its answer now
      await guard.settle();
    } catch (err) {
      // listener errors go to the app's error handler and never reach here: what does is Bolt failing to read
      // the request itself (a body without the fields its type needs), which no retry can fix
      this.log.warn({ err, type: body.type }, 'Bolt could not process the Slack request');
      if (guard.claim())
        sendError(res, 400, 'PAYLOAD_INVALID', 'Slack request is missing fields its type needs');
    }
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
