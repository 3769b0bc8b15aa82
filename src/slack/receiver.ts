import type { IncomingMessage, ServerResponse } from 'node:http';
import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import { isValidSlackRequest } from '@slack/bolt';
import { asAppError } from '../errors';
import { readBody } from '../http/body';
import { sendError } from '../http/respond';
import type { Logger } from '../logger';

const SLACK_BODY_LIMIT = 1024 * 1024;

/**
 * Bolt receiver for HTTP mode that lives inside mogo's own HTTP server (one port for Slack, Alertmanager,
 * health and metrics). It verifies Slack's v0 signature over the raw body, refuses stale timestamps (replay),
 * and hands the event to Bolt; the first ack() writes the HTTP response, so Slack gets its answer within 3 s
 * while the listener carries on.
 */
export class SlackHttpReceiver implements Receiver {
  private app: App | undefined;
  private readonly log: Logger;

  constructor(
    private readonly signingSecret: string,
    logger: Logger,
  ) {
    this.log = logger.child({ module: 'slack-receiver' });
  }

  init(app: App): void {
    this.app = app;
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw: string;
    try {
      raw = (await readBody(req, SLACK_BODY_LIMIT)).toString('utf8');
    } catch (e) {
      const err = asAppError(e);
      sendError(res, err.httpStatus, err.code, err.message);
      return;
    }
    const signature = header(req, 'x-slack-signature');
    const timestamp = Number(header(req, 'x-slack-request-timestamp'));
    if (
      !signature ||
      !Number.isFinite(timestamp) ||
      !isValidSlackRequest({
        signingSecret: this.signingSecret,
        body: raw,
        headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp },
      })
    ) {
      this.log.warn(
        { remote: req.socket.remoteAddress },
        'rejected Slack request with a bad or stale signature',
      );
      sendError(res, 401, 'UNAUTHORIZED', 'invalid Slack signature');
      return;
    }
    let body: Record<string, unknown>;
    try {
      body = parseSlackBody(raw, header(req, 'content-type') ?? '');
    } catch {
      sendError(res, 400, 'PAYLOAD_INVALID', 'unreadable Slack request body');
      return;
    }
    if (body.ssl_check) {
      res.writeHead(200).end();
      return;
    }
    if (body.type === 'url_verification') {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ challenge: body.challenge }));
      return;
    }
    let acked = false;
    const timer = setTimeout(() => {
      if (!acked) this.log.error({ type: body.type }, 'a Slack listener did not ack within 3 seconds');
    }, 3001);
    timer.unref();
    const event: ReceiverEvent = {
      body,
      retryNum: numberOrUndefined(header(req, 'x-slack-retry-num')),
      retryReason: header(req, 'x-slack-retry-reason'),
      ack: async (response?: unknown) => {
        if (acked) return;
        acked = true;
        clearTimeout(timer);
        if (response === undefined || response === '') res.writeHead(200).end();
        else if (typeof response === 'string')
          res.writeHead(200, { 'content-type': 'text/plain' }).end(response);
        else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(response));
      },
    };
    try {
      if (!this.app) throw new Error('receiver used before init()');
      await this.app.processEvent(event);
    } catch (err) {
      this.log.error({ err }, 'Slack event handler failed');
      if (!acked) {
        acked = true;
        clearTimeout(timer);
        sendError(res, 500, 'INTERNAL', 'handler failed');
      }
    }
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function numberOrUndefined(v: string | undefined): number | undefined {
  const n = Number(v);
  return v !== undefined && Number.isFinite(n) ? n : undefined;
}

/** Interactions arrive as form field `payload` (JSON); slash commands as plain form fields; events as JSON. */
export function parseSlackBody(raw: string, contentType: string): Record<string, unknown> {
  if (contentType.includes('application/json')) return JSON.parse(raw);
  const form = Object.fromEntries(new URLSearchParams(raw));
  if (typeof form.payload === 'string') return JSON.parse(form.payload);
  return form;
}
