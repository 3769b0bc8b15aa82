import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createApp, type MogoApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import type { AlertStore, Chat } from '../../src/ports';
import { loadRules } from '../../src/rules';
import { createPgliteDb } from '../../src/store/embedded/pglite-db';
import { createMemoryLocks } from '../../src/store/memory/memory-locks';
import { migrate } from '../../src/store/migrations';
import { createSqlAlertStore } from '../../src/store/sql-alert-store';
import { createSqlAuditLog, type SqlAuditLog } from '../../src/store/sql-audit-log';

export const REPO_RULES = join(__dirname, '../../rules');
export const WEBHOOK_TOKEN = 'test-webhook-token-0123456789';
export const SIGNING_SECRET = 'test-signing-secret';

export interface TestApp {
  url: string;
  app: MogoApp;
  alerts: AlertStore;
  audit: SqlAuditLog;
  logs: Record<string, unknown>[];
  close(): Promise<void>;
}

/**
 * mogo built in-process (createApp) on embedded PostgreSQL and in-process locks, listening on loopback. With
 * `slackApiUrl` it runs in Slack HTTP mode against a fake Slack; without, in local mode (messages logged).
 */
export async function startTestApp(
  opts: {
    slackApiUrl?: string;
    env?: Record<string, string>;
    wrapAlerts?: (s: AlertStore) => AlertStore;
    chat?: Chat;
  } = {},
): Promise<TestApp> {
  const slackEnv = opts.slackApiUrl
    ? { SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: opts.slackApiUrl }
    : {};
  const config = loadConfig({ ALERTMANAGER_TOKEN: WEBHOOK_TOKEN, ...slackEnv, ...opts.env });
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger('debug', { write: (line: string) => void logs.push(JSON.parse(line)) });
  const db = await createPgliteDb();
  await migrate(db);
  const store = createSqlAlertStore(db);
  const alerts = opts.wrapAlerts ? opts.wrapAlerts(store) : store;
  const audit = createSqlAuditLog(db, { flushIntervalMs: 10, onError: () => {} });
  const rules = await loadRules(REPO_RULES);
  const app = createApp({
    config,
    logger,
    alerts,
    audit,
    locks: createMemoryLocks(),
    rules: { current: () => rules },
    clock: { now: () => new Date() },
    ping: async () => void (await db.query('select 1')),
    ...(opts.chat ? { chat: opts.chat } : {}),
  });
  const server: Server = createServer(app.handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  await app.start();
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    alerts,
    audit,
    logs,
    async close() {
      await new Promise<void>((r) => server.close(() => r()));
      await app.stop();
      await audit.close();
      await db.close();
    },
  };
}

export function postWebhook(
  url: string,
  body: string | object,
  headers: Record<string, string> = { authorization: `Bearer ${WEBHOOK_TOKEN}` },
) {
  return fetch(`${url}/webhooks/alertmanager`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Response JSON for assertions (tests look into it freely). */
export async function readJson(res: Response): Promise<any> {
  return res.json();
}
