import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { freePort, waitForHttpOk } from './bot-process';

const CANDIDATES = ['prometheus-alertmanager', 'alertmanager'];
const STOP_TIMEOUT_MS = 5_000;

export interface AlertmanagerOptions {
  /** Where the webhook receiver sends notifications (the bot's /webhooks/alertmanager). */
  webhookUrl: string;
  /** More webhook_configs on the same receiver, same auth: each notification also goes to these (an HA pair). */
  extraWebhookUrls?: string[];
  /**
   * Alertmanager's own Slack integration on the same receiver (slack_configs), so one run feeds the bot and
   * Alertmanager's receiver the same notifications, e.g. into the fake Slack's webhookUrl().
   */
  slack?: AlertmanagerSlackConfig;
  /** Sent as `Authorization: Bearer <token>` or as the basic-auth password; omit for no auth. */
  token?: string;
  authMode?: 'bearer' | 'basic';
  /** Alertmanager 0.25 accepts 0s; group_interval and repeat_interval must be > 0. */
  groupWait?: string;
  groupInterval?: string;
  repeatInterval?: string;
  resolveTimeout?: string;
  sendResolved?: boolean;
  /** webhook_configs max_alerts: 0 means unlimited; above it Alertmanager sets truncatedAlerts. */
  maxAlerts?: number;
  groupBy?: string[];
  /** Receiver name that appears as `receiver` in the payload. */
  receiver?: string;
  /** Appears as `externalURL` in the payload; defaults to the listen URL. */
  externalUrl?: string;
  readyTimeoutMs?: number;
}

export interface AlertmanagerSlackConfig {
  /** The incoming-webhook URL (`api_url`). */
  apiUrl: string;
  channel: string;
  /** Go templates; Alertmanager's defaults when left out. */
  title?: string;
  text?: string;
  sendResolved?: boolean;
}

export interface AlertInput {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt?: string;
  endsAt?: string;
  generatorURL?: string;
}

/** A real Alertmanager process on 127.0.0.1 with its own config and storage in a temp dir. */
export interface AlertmanagerHandle {
  url: string;
  port: number;
  configYaml: string;
  /** POST /api/v2/alerts. */
  pushAlerts(alerts: AlertInput[]): Promise<void>;
  /** Re-posts the alerts with endsAt = now, which resolves them. */
  resolveAlerts(alerts: AlertInput[]): Promise<void>;
  /** GET /api/v2/alerts. */
  listAlerts(): Promise<Array<Record<string, unknown>>>;
  /** SIGTERM, wait for exit (SIGKILL after 5s), remove the temp dir. Idempotent. */
  stop(): Promise<void>;
  /** Captured stdout + stderr (Alertmanager logs to stderr). */
  logs(): string;
}

/** Path of the Alertmanager binary: $ALERTMANAGER_BIN, then PATH, then /usr/bin; null if absent. */
export function findAlertmanagerBinary(): string | null {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  const candidates = [
    ...(process.env.ALERTMANAGER_BIN ? [process.env.ALERTMANAGER_BIN] : []),
    ...CANDIDATES.flatMap((name) => [...dirs, '/usr/bin', '/usr/local/bin'].map((d) => path.join(d, name))),
  ];
  return candidates.find(isExecutable) ?? null;
}

/**
 * The binary path, or null (with a warning) so a suite can skip locally.
 * Under CI=true a missing binary is an error: CI must never silently skip real-Alertmanager tests.
 */
export function requireAlertmanager(): string | null {
  const binary = findAlertmanagerBinary();
  if (binary) return binary;
  const hint = 'install it with `apt-get install prometheus-alertmanager` or set ALERTMANAGER_BIN';
  if (process.env.CI === 'true') throw new Error(`Alertmanager binary not found (CI=true): ${hint}`);
  console.warn(`Skipping real-Alertmanager tests: binary not found; ${hint}`);
  return null;
}

export function buildAlertmanagerConfig(opts: AlertmanagerOptions): Record<string, unknown> {
  const receiver = opts.receiver ?? 'bot';
  const httpConfig: Record<string, unknown> = {};
  if (opts.token !== undefined) {
    if ((opts.authMode ?? 'bearer') === 'bearer') {
      httpConfig.authorization = { type: 'Bearer', credentials: opts.token };
    } else {
      httpConfig.basic_auth = { username: 'alertmanager', password: opts.token };
    }
  }
  return {
    global: { resolve_timeout: opts.resolveTimeout ?? '5m' },
    route: {
      receiver,
      group_by: opts.groupBy ?? ['alertname', 'cluster'],
      group_wait: opts.groupWait ?? '1s',
      group_interval: opts.groupInterval ?? '1s',
      repeat_interval: opts.repeatInterval ?? '1h',
    },
    receivers: [
      {
        name: receiver,
        webhook_configs: [opts.webhookUrl, ...(opts.extraWebhookUrls ?? [])].map((url) => ({
          url,
          send_resolved: opts.sendResolved ?? true,
          max_alerts: opts.maxAlerts ?? 0,
          ...(Object.keys(httpConfig).length ? { http_config: httpConfig } : {}),
        })),
        ...(opts.slack ? { slack_configs: [slackConfig(opts.slack)] } : {}),
      },
    ],
  };
}

function slackConfig(slack: AlertmanagerSlackConfig): Record<string, unknown> {
  return {
    api_url: slack.apiUrl,
    channel: slack.channel,
    send_resolved: slack.sendResolved ?? true,
    ...(slack.title === undefined ? {} : { title: slack.title }),
    ...(slack.text === undefined ? {} : { text: slack.text }),
  };
}

export async function startAlertmanager(opts: AlertmanagerOptions): Promise<AlertmanagerHandle> {
  const binary = findAlertmanagerBinary();
  if (!binary) throw new Error('Alertmanager binary not found; see requireAlertmanager()');
  const dir = await mkdtemp(path.join(tmpdir(), 'mogo-alertmanager-'));
  const configYaml = stringify(buildAlertmanagerConfig(opts));
  const configFile = path.join(dir, 'alertmanager.yml');
  await writeFile(configFile, configYaml);

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    binary,
    [
      `--config.file=${configFile}`,
      `--storage.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      `--web.external-url=${opts.externalUrl ?? url}`,
    ],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const capture = (chunk: Buffer) => {
    output += chunk.toString('utf8');
  };
  child.stdout!.on('data', capture);
  child.stderr!.on('data', capture);
  child.once('error', (err) => {
    output += `spawn error: ${err.message}\n`;
  });
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once('close', () => {
      exited = true;
      resolve();
    });
  });

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      if (!exited) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exit;
        clearTimeout(timer);
      }
      await rm(dir, { recursive: true, force: true });
    })();
    return stopped;
  };

  try {
    await waitForHttpOk(`${url}/-/ready`, opts.readyTimeoutMs ?? 10_000, () => exited);
  } catch (err) {
    await stop();
    throw new Error(
      `${(err as Error).message}\n--- alertmanager output ---\n${output}\n--- config ---\n${configYaml}`,
    );
  }

  const pushAlerts = async (alerts: AlertInput[]) => {
    const res = await fetch(`${url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(alerts),
    });
    const body = await res.text();
    if (res.status !== 200) throw new Error(`POST /api/v2/alerts: HTTP ${res.status} ${body}`);
  };

  return {
    url,
    port,
    configYaml,
    pushAlerts,
    resolveAlerts: (alerts) => {
      const now = new Date().toISOString();
      return pushAlerts(alerts.map((alert) => ({ ...alert, endsAt: now })));
    },
    listAlerts: async () => {
      const res = await fetch(`${url}/api/v2/alerts`);
      if (res.status !== 200) throw new Error(`GET /api/v2/alerts: HTTP ${res.status} ${await res.text()}`);
      return (await res.json()) as Array<Record<string, unknown>>;
    },
    stop,
    logs: () => output,
  };
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
