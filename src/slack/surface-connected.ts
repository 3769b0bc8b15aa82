import { App, type Receiver, SocketModeReceiver } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import type { SlackConfig } from '../config';
import type { Logger } from '../logger';
import { createCachedDirectory } from '../rollback/directory';
import { createMemorySeenRequests } from '../store/memory/memory-seen-requests';
import { boltLogger, slackLogLevel } from './bolt-logger';
import { createSlackChat } from './chat';
import { createSlackDirectory } from './directory';
import { SlackHttpReceiver } from './receiver';
import { socketReceiver } from './socket-receiver';
import { baseSurface, type SlackSurface, type SlackSurfaceDeps, type SlackSurfaceOverrides } from './surface';

type Connected = Exclude<SlackConfig, { mode: 'local' }>;

/** Slack connected over HTTP (POST /slack/events through our receiver) or Socket Mode: Bolt and the Web API. */
export function createConnectedSurface(
  config: Connected,
  deps: SlackSurfaceDeps,
  overrides: SlackSurfaceOverrides = {},
): SlackSurface {
  const { logger } = deps;
  const client = webClient(config.botToken, config.apiUrl, logger);
  const chatOptions = { budget: deps.budget, logger, ...(deps.onCall ? { onCall: deps.onCall } : {}) };
  const chat = overrides.chat ?? createSlackChat(client, chatOptions);
  const directory = overrides.directory ?? createCachedDirectory(createSlackDirectory(client));
  const surface = baseSurface(config.mode, chat, directory, deps);

  const clientOptions = config.apiUrl ? { slackApiUrl: config.apiUrl } : {};
  let receiver: Receiver;
  let events: SlackSurface['events'];
  if (config.mode === 'http') {
    const http = new SlackHttpReceiver({
      signingSecret: config.signingSecret,
      logger,
      audit: deps.audit,
      seen: deps.seenRequests ?? createMemorySeenRequests(),
      ...(deps.notReady ? { notReady: deps.notReady } : {}),
    });
    receiver = http;
    events = (req, res) => http.handle(req, res);
  } else {
    receiver = socketReceiver(
      new SocketModeReceiver({
        appToken: config.appToken,
        logger: boltLogger(logger),
        logLevel: slackLogLevel(logger),
        // apps.connections.open must go to SLACK_API_URL too; Bolt 5 takes the socket client's options here
        installerOptions: { clientOptions },
      }),
      logger,
    );
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
