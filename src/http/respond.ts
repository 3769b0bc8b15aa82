import type { ServerResponse } from 'node:http';

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function sendError(res: ServerResponse, status: number, code: string, message: string, extra = {}) {
  sendJson(res, status, { error: { code, message, ...extra } });
}

/** 503 NOT_READY: this replica must take no work now (the schema guard); the sender retries and reaches one that may. */
export function sendNotReady(res: ServerResponse, reason: string) {
  sendError(res, 503, 'NOT_READY', `this replica is not ready: ${reason}; retry later`, { retryable: true });
}
