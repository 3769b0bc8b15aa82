import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logger';
import { sendError } from './respond';

export interface Route {
  method: 'GET' | 'POST';
  path: string;
  handle: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;
}

/**
 * One handler for a route table: exact paths (query strings ignored), 405 for a known path with another
 * method, 404 otherwise, and a 500 (logged) for a handler that throws before it answered.
 */
export function createRouter(routes: readonly Route[], logger: Logger) {
  const byKey = new Map(routes.map((r) => [`${r.method} ${r.path}`, r]));
  const paths = new Set(routes.map((r) => r.path));
  return (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const key = `${req.method} ${path}`;
    const route = byKey.get(key);
    if (route) {
      Promise.resolve()
        .then(() => route.handle(req, res))
        .catch((err) => {
          logger.error({ err, route: key }, 'request failed');
          if (!res.headersSent) sendError(res, 500, 'INTERNAL', 'internal error');
        });
      return;
    }
    req.resume();
    if (paths.has(path)) sendError(res, 405, 'METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${path}`);
    else sendError(res, 404, 'NOT_FOUND', `no route for ${req.method} ${path}`);
  };
}
