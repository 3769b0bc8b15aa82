import type { IncomingMessage, ServerResponse } from 'node:http';
import { App, type Receiver, SocketModeReceiver } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import type { SlackConfig, SlackMode } from '../config';
import type { Logger } from '../logger';
import type { AlertStore, AuditLog, Chat, DigestPublisher, Directory, Notifier, RateBudget } from '../ports';
import type { SeenRequests } from '../ports/seen-requests';
import { createCachedDirectory } from '../rollback/directory';
import { createMemorySeenRequests } from '../store/memory/memory-seen-requests';
import { boltLogger, slackLogLevel } from './bolt-logger';
import { createLoggingChat, createSlackChat, type SlackChatOptions } from './chat';
import { createSlackDirectory } from './directory';
import { createSlackDigestPublisher, createSlackNotifier } from './notifier';
import { SlackHttpReceiver } from './receiver';

/** Everything Slack-facing, built for one mode; createApp wires the use cases to it. */
export interface SlackSurface {
  mode: SlackMode;
  chat: Chat;
  directory: Directory;
  notifier: Notifier;
  digests: DigestPublisher;
  /** Bolt, when Slack is connected (http or socket): createApp registers the listeners on it. */
  bolt?: App;
  /** The POST /slack/events handler, in HTTP mode only. */
  events?: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** Opens (socket mode) and closes the connection to Slack; nothing to do in the other modes. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface SlackSurfaceDeps {
  logger: Logger;
  alerts: Pick<AlertStore, 'getMessage'>;
  audit: AuditLog;
  /** Slack's call budget, shared by every replica (Redis) or in-process. */
  budget: RateBudget;
  /** Signed Slack requests already handled (replay refusal); in-process by default, Redis with replicas. */
  seenRequests?: SeenRequests;
  /** Every Web API call's outcome and duration, for metrics. */
  onCall?: SlackChatOptions['onCall'];
}

export interface SlackSurfaceOverrides {
  /** A fake chat (tests); by default the Web API, or the log in local mode. */
  chat?: Chat;
  /** A fake directory (tests); by default usergroups.users.list, cached for 60 s. */
  directory?: Directory;
}

/** The Slack adapters for `config`'s mode: the Slack counterpart of openStorage(), called by the composition root. */
export function createSlackSurface(
  config: SlackConfig,
  deps: SlackSurfaceDeps,
  overrides: SlackSurfaceOverrides = {},
): SlackSurface {
  const { logger } = deps;
  const client = config.mode === 'local' ? undefined : webClient(config.botToken, config.apiUrl, logger);
  const chatOptions = { budget: deps.budget, logger, ...(deps.onCall ? { onCall: deps.onCall } : {}) };
  const chat = overrides.chat ?? (client ? createSlackChat(client, chatOptions) : createLoggingChat(logger));
  const directory =
    overrides.directory ?? (client ? createCachedDirectory(createSlackDirectory(client)) : emptyDirectory);
  const surface = {
    mode: config.mode,
    chat,
    directory,
    notifier: createSlackNotifier({ alerts: deps.alerts, chat }),
    digests: createSlackDigestPublisher(chat),
    start: async () => {},
    stop: async () => {},
  };
  if (config.mode === 'local') return surface;

  const clientOptions = config.apiUrl ? { slackApiUrl: config.apiUrl } : {};
  let receiver: Receiver;
  let events: SlackSurface['events'];
  if (config.mode === 'http') {
    const http = new SlackHttpReceiver({
      signingSecret: config.signingSecret,
      logger,
      audit: deps.audit,
      seen: deps.seenRequests ?? createMemorySeenRequests(),
    });
    receiver = http;
    events = (req, res) => http.handle(req, res);
  } else {
    receiver = new SocketModeReceiver({
      appToken: config.appToken,
      logger: boltLogger(logger),
      logLevel: slackLogLevel(logger),
      // apps.connections.open must go to SLACK_API_URL too; Bolt 5 takes the socket client's options here
      installerOptions: { clientOptions },
    });
  }
  const bolt = new App({
    token: config.botToken,
    receiver,
    logger: boltLogger(logger),
    logLevel: slackLogLevel(logger),
    clientOptions,
  });
  bolt.error(async (err) => {
    logger.error({ err }, 'unhandled Slack listener error');
  });
  const socket = config.mode === 'socket';
  return {
    ...surface,
    bolt,
    ...(events ? { events } : {}),
    start: async () => {
      if (socket) await bolt.start();
    },
    stop: async () => {
      if (socket) await bolt.stop();
    },
  };
}

/**
 * Local mode has no Slack and so no user groups: nobody is in any, and only roles naming users directly apply.
 * (Not a test double: this is what "no Slack" means for access checks.)
 */
const emptyDirectory: Directory = { usergroupMembers: async () => [] };

function webClient(token: string, apiUrl: string | undefined, logger: Logger): WebClient {
  return new WebClient(token, {
    logger: boltLogger(logger),
    ...(apiUrl ? { slackApiUrl: apiUrl } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    // under the render worker's 10 s job lease
    timeout: 5_000,
  });
}
