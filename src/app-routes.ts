import { sendJson } from './http/respond';
import type { Route } from './http/router';
import type { Metrics } from './metrics';
import type { SlackSurface } from './slack/surface';

/** What the routes answer from: the handlers createApp built, and the health probes main.ts gave it. */
export interface RouteDeps {
  slack: Pick<SlackSurface, 'events' | 'mode'>;
  ping: () => Promise<void>;
  degraded?: () => Promise<string[]>;
  /** The schema guard: a reason makes /readyz 503, so the Service stops sending this replica anything. */
  gate?: { notReady(): string | undefined };
}

/** The whole HTTP surface, as data. */
export function routeTable(deps: RouteDeps, metrics: Metrics, webhook: Route['handle']): Route[] {
  const { slack } = deps;
  return [
    { method: 'POST', path: '/webhooks/alertmanager', handle: webhook },
    ...(slack.events ? [{ method: 'POST', path: '/slack/events', handle: slack.events } as const] : []),
    { method: 'GET', path: '/healthz', handle: (_req, res) => sendJson(res, 200, { status: 'ok' }) },
    {
      method: 'GET',
      path: '/readyz',
      handle: (_req, res) => {
        const reason = deps.gate?.notReady();
        if (reason) return sendJson(res, 503, { status: 'not_ready', slack: slack.mode, reason });
        return deps.ping().then(
          async () => {
            const degraded = (await deps.degraded?.()) ?? [];
            if (degraded.length === 0) return sendJson(res, 200, { status: 'ready', slack: slack.mode });
            sendJson(res, 200, { status: 'degraded', slack: slack.mode, degraded });
          },
          (err) =>
            sendJson(res, 503, { status: 'unavailable', error: `database: ${String(err?.message ?? err)}` }),
        );
      },
    },
    {
      method: 'GET',
      path: '/metrics',
      handle: async (_req, res) => {
        const text = await metrics.registry.metrics();
        res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text);
      },
    },
  ];
}
