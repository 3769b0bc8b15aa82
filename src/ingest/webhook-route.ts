import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Notification } from '../domain/alert';
import { asAppError } from '../errors';
import { readBody } from '../http/body';
import { parseJsonSteps } from '../http/json-steps';
import { sendError, sendJson, sendNotReady } from '../http/respond';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { AuditLog } from '../ports';
import { runYielding } from '../yielding';
import { checkWebhookAuth, type WebhookAuthConfig } from './auth';
import { createRejectionThrottle } from './reject-throttle';
import { parseSteps } from './schema';

export interface WebhookRouteDeps {
  auth: WebhookAuthConfig;
  bodyLimit: number;
  receive: (n: Notification) => Promise<{ groupId: string; changed: boolean } | null>;
  audit: AuditLog;
  logger: Logger;
  metrics: Metrics;
  /** One webhook.rejected audit row per remote address and reason per window (default 60 s). */
  rejectionAuditWindowMs?: number;
  /** Called after a notification changed a group, so the render worker starts at once. */
  onChanged?: () => void;
  /**
   * Why this replica must not record anything now (the schema guard: a newer mogo migrated the database); the
   * webhook answers 503 then, and Alertmanager retries, reaching a replica that is ready.
   */
  notReady?: () => string | undefined;
}

/**
 * POST /webhooks/alertmanager. Alertmanager retries only on 5xx and drops every 4xx for good, so 4xx is kept
 * for requests that can never succeed (bad token, bad body) and every transient failure is a 5xx.
 */
export function createWebhookRoute(deps: WebhookRouteDeps) {
  const log = deps.logger.child({ module: 'webhook' });

  const throttle = createRejectionThrottle(deps.rejectionAuditWindowMs ?? 60_000);

  const reject = (
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    code: string,
    message: string,
    extra: object = {},
  ) => {
    deps.metrics.webhookRequests.inc({ status: String(status), outcome: code.toLowerCase() });
    const remote = req.socket.remoteAddress ?? 'unknown';
    const admitted = throttle.admit(`${remote} ${code}`);
    if (admitted) {
      const suppressed = admitted.suppressed > 0 ? { suppressedSinceLast: admitted.suppressed } : {};
      deps.audit.append({
        actor: 'alertmanager',
        action: 'webhook.rejected',
        subject: 'webhook:alertmanager',
        details: { status, reason: code, message, remote, ...suppressed, ...extra },
      });
      log.warn({ status, reason: code, remote, ...suppressed, ...extra }, `webhook rejected: ${message}`);
    } else {
      log.debug({ status, reason: code, remote }, `webhook rejected: ${message}`);
    }
    sendError(res, status, code, message, extra);
  };

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const endTimer = deps.metrics.webhookDuration.startTimer();
    const remote = req.socket.remoteAddress;
    const auth = checkWebhookAuth(deps.auth, req.headers.authorization, remote);
    if (!auth.ok) {
      req.resume();
      const message =
        auth.reason === 'not_loopback'
          ? 'no ALERTMANAGER_TOKEN is set, so only this machine may post alerts'
          : 'missing or invalid credentials: send Authorization: Bearer <ALERTMANAGER_TOKEN> (or Basic auth with it as the password)';
      reject(req, res, 401, 'UNAUTHORIZED', message, { why: auth.reason, remote });
      return;
    }
    const notReady = deps.notReady?.();
    if (notReady) {
      // not audited: the audit log is a write this replica must not make, and nothing is lost
      req.resume();
      deps.metrics.webhookRequests.inc({ status: '503', outcome: 'not_ready' });
      log.debug({ reason: notReady }, 'webhook refused: not ready');
      sendNotReady(res, notReady);
      endTimer();
      return;
    }
    let body: Buffer;
    try {
      body = await readBody(req, deps.bodyLimit);
    } catch (e) {
      const err = asAppError(e);
      const status = err.code === 'PAYLOAD_TOO_LARGE' ? 413 : 400;
      res.setHeader('connection', 'close');
      reject(req, res, status, err.code, err.message);
      return;
    }
    let json: unknown;
    try {
      json = await runYielding(parseJsonSteps(body));
    } catch (e) {
      reject(req, res, 400, 'PAYLOAD_INVALID', `body is not valid JSON: ${(e as Error).message}`, {
        issues: [],
      });
      return;
    }
    const parsed = await runYielding(parseSteps(json));
    if (!parsed.ok) {
      const first = parsed.issues[0];
      const message = first ? `${first.path}: ${first.message}` : 'invalid payload';
      reject(req, res, 400, 'PAYLOAD_INVALID', message, { issues: parsed.issues });
      return;
    }
    try {
      const result = await deps.receive(parsed.notification);
      const outcome = !result ? 'ignored' : result.changed ? 'recorded' : 'duplicate';
      deps.metrics.webhookRequests.inc({ status: '200', outcome });
      if (result?.changed) deps.onChanged?.();
      log.debug({ groupKey: parsed.notification.groupKey, outcome }, 'notification accepted');
      sendJson(res, 200, { status: outcome, groupId: result?.groupId ?? null });
    } catch (e) {
      const err = asAppError(e);
      // Anything we could not record is retryable from Alertmanager's point of view: never a 4xx here, and
      // never a bare 500 either; the metric counts the status actually sent
      const status = err.httpStatus > 500 ? err.httpStatus : 503;
      deps.metrics.webhookRequests.inc({ status: String(status), outcome: 'unavailable' });
      log.error(
        { err, groupKey: parsed.notification.groupKey },
        'could not record notification; Alertmanager will retry',
      );
      sendError(res, status, err.code, 'could not record the notification; retry later', { retryable: true });
    } finally {
      endTimer();
    }
  };
}
