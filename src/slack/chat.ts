import type { WebClient } from '@slack/web-api';
import { AppError, type ErrorCode } from '../errors';
import type { Logger } from '../logger';
import type { Chat, ChatMessage, MessageRef } from '../ports';

/** Slack `error` strings that mean the same thing to mogo, by our stable codes. */
const PLATFORM_ERRORS: Record<string, ErrorCode> = {
  ratelimited: 'SLACK_RATE_LIMITED',
  channel_not_found: 'SLACK_CHANNEL_NOT_FOUND',
  is_archived: 'SLACK_CHANNEL_NOT_FOUND',
  not_in_channel: 'SLACK_NOT_IN_CHANNEL',
  invalid_auth: 'SLACK_INVALID_AUTH',
  not_authed: 'SLACK_INVALID_AUTH',
  account_inactive: 'SLACK_INVALID_AUTH',
  token_revoked: 'SLACK_INVALID_AUTH',
  message_not_found: 'SLACK_MESSAGE_NOT_FOUND',
  cant_update_message: 'SLACK_MESSAGE_NOT_FOUND',
  internal_error: 'SLACK_UNAVAILABLE',
  fatal_error: 'SLACK_UNAVAILABLE',
  service_unavailable: 'SLACK_UNAVAILABLE',
  request_timeout: 'SLACK_UNAVAILABLE',
};

interface SlackErrorShape {
  code?: string;
  data?: { error?: string };
  statusCode?: number;
  retryAfter?: number;
  message?: string;
}

/** Maps whatever @slack/web-api threw to an AppError; transport trouble and 5xx are retryable. */
export function slackError(method: string, e: unknown): AppError {
  const err = (e ?? {}) as SlackErrorShape;
  switch (err.code) {
    case 'slack_webapi_rate_limited_error':
      return new AppError('SLACK_RATE_LIMITED', `${method}: rate limited by Slack`, {
        cause: e,
        details: { retryAfterSeconds: err.retryAfter ?? 1 },
      });
    case 'slack_webapi_platform_error': {
      const slackCode = err.data?.error ?? 'unknown';
      const code = PLATFORM_ERRORS[slackCode] ?? 'SLACK_REQUEST_FAILED';
      return new AppError(code, `${method}: Slack answered ${slackCode}`, {
        cause: e,
        details: { slackCode },
      });
    }
    case 'slack_webapi_http_error': {
      const status = err.statusCode ?? 0;
      return new AppError(
        status >= 500 || status === 429 ? 'SLACK_UNAVAILABLE' : 'SLACK_REQUEST_FAILED',
        `${method}: Slack answered HTTP ${status}`,
        { cause: e, details: { status } },
      );
    }
    default:
      return new AppError('SLACK_UNAVAILABLE', `${method}: ${err.message ?? 'request failed'}`, { cause: e });
  }
}

/** The Chat port over Slack's Web API. Retries are the render queue's job, so the client itself never retries. */
export function createSlackChat(client: WebClient): Chat {
  const call = async <T>(method: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (e) {
      throw slackError(method, e);
    }
  };
  return {
    async post(channel: string, message: ChatMessage): Promise<MessageRef> {
      const r = await call('chat.postMessage', () =>
        client.chat.postMessage({
          channel,
          text: message.text,
          blocks: message.blocks as never,
          unfurl_links: false,
        }),
      );
      if (!r.channel || !r.ts)
        throw new AppError('SLACK_REQUEST_FAILED', 'chat.postMessage: no channel or ts');
      return { channel: r.channel, ts: r.ts };
    },
    async update(ref: MessageRef, message: ChatMessage): Promise<void> {
      await call('chat.update', () =>
        client.chat.update({
          channel: ref.channel,
          ts: ref.ts,
          text: message.text,
          blocks: message.blocks as never,
        }),
      );
    },
    async postEphemeral(channel: string, user: string, text: string): Promise<void> {
      await call('chat.postEphemeral', () => client.chat.postEphemeral({ channel, user, text }));
    },
    async reply(ref: MessageRef, text: string): Promise<void> {
      await call('chat.postMessage', () =>
        client.chat.postMessage({ channel: ref.channel, thread_ts: ref.ts, text }),
      );
    },
    async openView(triggerId, view) {
      const r = await call('views.open', () =>
        client.views.open({ trigger_id: triggerId, view: view as never }),
      );
      if (!r.view?.id) throw new AppError('SLACK_REQUEST_FAILED', 'views.open: no view id');
      return { viewId: r.view.id };
    },
    async updateView(viewId, view) {
      await call('views.update', () => client.views.update({ view_id: viewId, view: view as never }));
    },
  };
}

/**
 * Local mode: no Slack token. Every message mogo would send is logged instead, so `npm start` shows the whole
 * path working with nothing configured.
 */
export function createLoggingChat(logger: Logger): Chat {
  const log = logger.child({ module: 'chat', mode: 'local' });
  let seq = 0;
  const nextTs = () => `${Math.floor(Date.now() / 1000)}.${String(++seq).padStart(6, '0')}`;
  return {
    async post(channel, message) {
      const ts = nextTs();
      log.info({ channel, ts, text: message.text, blocks: message.blocks }, 'would post Slack message');
      return { channel, ts };
    },
    async update(ref, message) {
      log.info({ ...ref, text: message.text, blocks: message.blocks }, 'would update Slack message');
    },
    async postEphemeral(channel, user, text) {
      log.info({ channel, user, text }, 'would post ephemeral Slack message');
    },
    async reply(ref, text) {
      log.info({ ...ref, text }, 'would reply in Slack thread');
    },
    async openView(triggerId, view) {
      const viewId = `VLOCAL${++seq}`;
      log.info({ triggerId, viewId, view }, 'would open Slack modal');
      return { viewId };
    },
    async updateView(viewId, view) {
      log.info({ viewId, view }, 'would update Slack modal');
    },
  };
}
