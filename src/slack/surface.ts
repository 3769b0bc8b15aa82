import type { IncomingMessage, ServerResponse } from 'node:http';
import type { App } from '@slack/bolt';
import type { SlackConfig, SlackMode } from '../config';
import type { Logger } from '../logger';
import type { AlertStore, AuditLog, Chat, DigestPublisher, Directory, Notifier, RateBudget } from '../ports';
import type { SeenRequests } from '../ports/seen-requests';
import { createLoggingChat, type SlackChatOptions } from './chat';
import { createSlackDigestPublisher, createSlackNotifier } from './notifier';

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
  /**
   * Why this replica must take no work now (the schema guard's notReady, the gate createApp gets too); undefined
   * while it may. In HTTP mode an event is then answered 503 for Slack to retry instead of being acked and lost.
   */
  notReady?: () => string | undefined;
}

export interface SlackSurfaceOverrides {
  /** A fake chat (tests); by default the Web API, or the log in local mode. */
  chat?: Chat;
  /** A fake directory (tests); by default usergroups.users.list, cached for 60 s. */
  directory?: Directory;
}

/**
 * The Slack adapters for `config`'s mode: the Slack counterpart of openStorage(), called by the composition root.
 * Bolt and the Web API client are required only when Slack is connected (surface-connected.ts): local mode
 * never loads them, about 40 MB of memory and a good part of start-up (bench/RESULTS.md, issue 10).
 */
export function createSlackSurface(
  config: SlackConfig,
  deps: SlackSurfaceDeps,
  overrides: SlackSurfaceOverrides = {},
): SlackSurface {
  if (config.mode !== 'local') {
    const connected = require('./surface-connected') as typeof import('./surface-connected');
    return connected.createConnectedSurface(config, deps, overrides);
  }
  const chat = overrides.chat ?? createLoggingChat(deps.logger);
  return baseSurface('local', chat, overrides.directory ?? emptyDirectory, deps);
}

/** What every mode has: the chat, the directory, and the notifier and digest publisher built on the chat. */
export function baseSurface(
  mode: SlackMode,
  chat: Chat,
  directory: Directory,
  deps: Pick<SlackSurfaceDeps, 'alerts'>,
): SlackSurface {
  return {
    mode,
    chat,
    directory,
    notifier: createSlackNotifier({ alerts: deps.alerts, chat }),
    digests: createSlackDigestPublisher(chat),
    start: async () => {},
    stop: async () => {},
  };
}

/**
 * Local mode has no Slack and so no user groups: nobody is in any, and only roles naming users directly apply.
 * (Not a test double: this is what "no Slack" means for access checks.)
 */
const emptyDirectory: Directory = { usergroupMembers: async () => [] };
