import { AppError } from '../../errors';
import type { Deployer, RollbackContext, RollbackResult } from '../deployer';
import { backendMessage, createHttp, type HttpRequest, type HttpResponse } from './http';
import { type Runtime, truncate } from './runtime';
import { createWebhookSigner, webhookKey } from './webhook-signature';

type WebhookTarget = Extract<RollbackContext['target'], { backend: 'webhook' }>;

/** Retries after the first attempt; safe because the receiver sees the same webhook-id (idempotency key). */
const RETRIES = 2;
const BACKOFF_MS = [1000, 3000];
const MAX_RETRY_AFTER_MS = 30_000;

/**
 * POSTs the rollback request to a URL, signed as Standard Webhooks sign. The request id is both the
 * `webhook-id` and the `Idempotency-Key`, so delivering it again after a 5xx or a dropped connection cannot
 * roll back twice on a receiver that honours either; each attempt is signed afresh with its own timestamp.
 */
export function createWebhookDeployer(target: WebhookTarget, rt: Runtime): Deployer {
  const { settings } = target;
  const host = new URL(settings.url).host;
  const http = createHttp({
    rt,
    label: `the deploy webhook at ${host}`,
    timeoutMs: settings.timeout_seconds * 1000,
    credential: 'the webhook secret',
    hostOnly: true,
  });

  return {
    backend: 'webhook',
    async plan() {
      rt.secret(settings.secret_env);
      return { summary: `POST to ${host}` };
    },
    async rollback(ctx, progress): Promise<RollbackResult> {
      const sign = createWebhookSigner(keyFor(rt, settings.secret_env));
      const requestedAt = new Date(rt.now()).toISOString();
      const body = JSON.stringify({
        type: 'mogo.rollback',
        id: ctx.requestId,
        target: target.name,
        environment: target.environment,
        actor: ctx.actor,
        alert: ctx.alert,
        requestedAt,
      });
      const deadline = rt.now() + rt.timeoutMs;
      for (let attempt = 1; ; attempt++) {
        progress(attempt === 1 ? `posting to ${host}` : `posting to ${host} again (attempt ${attempt})`);
        const timestamp = Math.floor(rt.now() / 1000);
        const req: HttpRequest = {
          method: 'POST',
          url: settings.url,
          data: body,
          headers: {
            'Content-Type': 'application/json',
            'webhook-id': ctx.requestId,
            'webhook-timestamp': String(timestamp),
            'webhook-signature': sign(ctx.requestId, timestamp, body),
            'Idempotency-Key': ctx.requestId,
          },
          what: 'endpoint at this URL',
        };
        let res: HttpResponse | undefined;
        let error: AppError;
        try {
          res = await http.send(req);
          if (res.status >= 200 && res.status < 300) return accepted(res, attempt);
          error = res.status === 409 ? refused(res) : http.failure(req, res);
        } catch (e) {
          if (!(e instanceof AppError)) throw e;
          error = e;
        }
        const wait = retryDelay(res, attempt);
        const transient = error.code === 'ROLLBACK_BACKEND_UNAVAILABLE';
        if (!transient || attempt > RETRIES || rt.now() + wait > deadline) {
          throw transient ? safeToRetry(error, attempt) : error;
        }
        rt.log?.warn(
          { attempt, code: error.code },
          'deploy webhook failed; retrying with the same webhook-id',
        );
        await rt.sleep(wait);
      }
    },
  };

  function accepted(res: HttpResponse, attempts: number): RollbackResult {
    const answer = summarise(res.data, rt.scrub);
    return {
      summary: `webhook accepted by ${host} (HTTP ${res.status})${answer ? `: ${truncate(answer, 120)}` : ''}`,
      details: { host, status: res.status, attempts, ...(answer ? { response: answer } : {}) },
    };
  }

  function refused(res: HttpResponse): AppError {
    const message = backendMessage(res.data, rt.scrub);
    return new AppError(
      'ROLLBACK_REFUSED',
      `target "${rt.target}": ${host} refused the rollback (HTTP 409${message ? `: ${message}` : ''})`,
      { details: { host, status: 409, ...(message ? { message } : {}) } },
    );
  }

  /** After the idempotent retries, the same request id may be delivered again later without harm. */
  function safeToRetry(error: AppError, attempts: number): AppError {
    return new AppError('ROLLBACK_BACKEND_UNAVAILABLE', `${error.message} (after ${attempts} attempts)`, {
      retryable: true,
      details: { ...error.details, attempts },
    });
  }
}

function keyFor(rt: Runtime, envVar: string): Buffer {
  const secret = rt.secret(envVar);
  try {
    return webhookKey(secret);
  } catch (e) {
    throw new AppError('ROLLBACK_CONFIG', `target "${rt.target}": ${envVar}: ${(e as Error).message}`, {
      details: { target: rt.target, envVar },
    });
  }
}

function retryDelay(res: HttpResponse | undefined, attempt: number): number {
  const base = BACKOFF_MS[Math.min(attempt - 1, BACKOFF_MS.length - 1)]!;
  const retryAfter = Number(res?.headers['retry-after']);
  return Number.isFinite(retryAfter) && retryAfter > 0
    ? Math.min(retryAfter * 1000, MAX_RETRY_AFTER_MS)
    : base;
}

/** A short, secret-free text of the receiver's answer (JSON compacted, whitespace folded). */
function summarise(data: unknown, scrub: (s: string) => string): string {
  if (data === undefined || data === null || data === '') return '';
  const text = typeof data === 'string' ? data : JSON.stringify(data);
  return truncate(scrub(text.replace(/\s+/g, ' ').trim()), 300);
}
