import type { WebClient } from '@slack/web-api';
import { AppError, type ErrorCode, isAppError } from '../errors';
import type { Logger } from '../logger';
import type { ChannelChat, Chat, ChatMessage, MessageRef, RateBudget, SendOptions } from '../ports';
import { createMemoryRateBudget } from '../store/memory/memory-rate-budget';
import { plainFallback } from './blocks/plain';
import { createChannelMethods } from './chat-channels';
import { INTERACTIVE_MAX_WAIT_MS, slackBucket } from './rate-limits';

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
  invalid_blocks: 'SLACK_MESSAGE_INVALID',
  invalid_blocks_format: 'SLACK_MESSAGE_INVALID',
  msg_too_long: 'SLACK_MESSAGE_INVALID',
  msg_blocks_too_long: 'SLACK_MESSAGE_INVALID',
  too_many_attachments: 'SLACK_MESSAGE_INVALID',
  no_text: 'SLACK_MESSAGE_INVALID',
  cant_update_message: 'SLACK_MESSAGE_NOT_FOUND',
  name_taken: 'SLACK_NAME_TAKEN',
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
        details: { retryAfterMs: Math.max(1, err.retryAfter ?? 1) * 1000 },
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

export interface SlackChatOptions {
  /** The call budget shared by every replica; each call draws on its method's (and channel's) bucket. */
  budget: RateBudget;
  logger: Logger;
  /** Every call's outcome and duration, for metrics. */
  onCall?: (method: string, outcome: SlackCallOutcome, seconds: number) => void;
}

/** ok; ratelimited: Slack answered 429; deferred: mogo's own budget held it back; error: anything else. */
export type SlackCallOutcome = 'ok' | 'ratelimited' | 'deferred' | 'error';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The Chat port over Slack's Web API, scheduled inside Slack's limits rather than bounced off them: every call
 * first takes a token from the shared budget. A call that would have to wait longer than its `maxWaitMs` fails
 * at once with SLACK_RATE_LIMITED and `retryAfterMs`, without calling Slack, so the render queue can serve more
 * pressing work first. A 429 that gets through anyway pauses the bucket for Slack's Retry-After. The client
 * itself never retries: retries are the queue's job.
 */
export function createSlackChat(client: WebClient, opts: SlackChatOptions): Chat {
  const log = opts.logger.child({ module: 'slack-chat' });
  const local = createMemoryRateBudget();
  let budgetDown = false;

  /** The shared budget; while it is unreachable, a budget of this process alone (better than none). */
  async function take(key: string, limit: Parameters<RateBudget['take']>[1], reserve: number) {
    try {
      const wait = await opts.budget.take(key, limit, reserve);
      budgetDown = false;
      return wait;
    } catch (err) {
      if (!budgetDown) log.warn({ err }, 'shared Slack budget unavailable; pacing this replica alone');
      budgetDown = true;
      return local.take(key, limit, reserve);
    }
  }

  const call = async <T>(
    method: string,
    channel: string | undefined,
    send: SendOptions | undefined,
    fn: () => Promise<T>,
  ): Promise<T> => {
    const bucket = slackBucket(method, channel);
    const reserve = send?.urgent ? 0 : bucket.reserve;
    const maxWaitMs = send?.maxWaitMs ?? INTERACTIVE_MAX_WAIT_MS;
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    for (let waited = 0; ; ) {
      const wait = await take(bucket.key, bucket.limit, reserve);
      if (wait === 0) break;
      if (waited + wait > maxWaitMs) {
        opts.onCall?.(method, 'deferred', seconds());
        throw new AppError('SLACK_RATE_LIMITED', `${method}: held back to stay inside Slack's limits`, {
          details: { retryAfterMs: wait, deferred: true },
        });
      }
      await sleep(wait);
      waited += wait;
    }
    try {
      const result = await fn();
      opts.onCall?.(method, 'ok', seconds());
      return result;
    } catch (e) {
      const err = slackError(method, e);
      const ratelimited = err.code === 'SLACK_RATE_LIMITED';
      opts.onCall?.(method, ratelimited ? 'ratelimited' : 'error', seconds());
      if (ratelimited) {
        const ms = Number(err.details?.retryAfterMs ?? 1000);
        await opts.budget.pause(bucket.key, ms).catch(() => local.pause(bucket.key, ms));
        log.warn({ method, channel, retryAfterMs: ms }, 'Slack answered 429; pausing that budget');
      }
      throw err;
    }
  };

  /**
   * Slack refused the message itself: send it once more as plain, shortened text rather than never. The
   * second call waits for its budget: deferring it would send the refused message again next time.
   */
  async function orPlain<T>(
    message: ChatMessage,
    opts: SendOptions | undefined,
    send: (m: ChatMessage, opts: SendOptions | undefined) => Promise<T>,
  ): Promise<T> {
    try {
      return await send(message, opts);
    } catch (e) {
      if (!isAppError(e) || e.code !== 'SLACK_MESSAGE_INVALID') throw e;
      log.warn({ err: e }, 'Slack refused the message; sending it as plain text');
      return send(plainFallback(message), { ...opts, maxWaitMs: INTERACTIVE_MAX_WAIT_MS });
    }
  }

  return {
    ...createChannelMethods(client, call),
    async post(channel: string, message: ChatMessage, send?: SendOptions): Promise<MessageRef> {
      const r = await orPlain(message, send, (m, opts) =>
        call('chat.postMessage', channel, opts, () =>
          client.chat.postMessage({
            channel,
            text: m.text,
            ...(m.blocks.length > 0 ? { blocks: m.blocks as never } : {}),
            ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
            unfurl_links: false,
          }),
        ),
      );
      if (!r.channel || !r.ts)
        throw new AppError('SLACK_REQUEST_FAILED', 'chat.postMessage: no channel or ts');
      return { channel: r.channel, ts: r.ts };
    },
    async update(ref: MessageRef, message: ChatMessage, send?: SendOptions): Promise<void> {
      await orPlain(message, send, (m, opts) =>
        call('chat.update', ref.channel, opts, () =>
          client.chat.update({ channel: ref.channel, ts: ref.ts, text: m.text, blocks: m.blocks as never }),
        ),
      );
    },
    async postEphemeral(channel: string, user: string, text: string): Promise<void> {
      await call('chat.postEphemeral', channel, undefined, () =>
        client.chat.postEphemeral({ channel, user, text }),
      );
    },
    async reply(ref: MessageRef, text: string, send?: SendOptions): Promise<void> {
      await call('chat.postMessage', ref.channel, send, () =>
        client.chat.postMessage({ channel: ref.channel, thread_ts: ref.ts, text }),
      );
    },
    async openView(triggerId, view) {
      const r = await call('views.open', undefined, { urgent: true }, () =>
        client.views.open({ trigger_id: triggerId, view: view as never }),
      );
      if (!r.view?.id) throw new AppError('SLACK_REQUEST_FAILED', 'views.open: no view id');
      return { viewId: r.view.id };
    },
    async updateView(viewId, view) {
      await call('views.update', undefined, { urgent: true }, () =>
        client.views.update({ view_id: viewId, view: view as never }),
      );
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
      preview(log, 'would post Slack message', { channel, ts }, message);
      return { channel, ts };
    },
    async update(ref, message) {
      preview(log, 'would update Slack message', { ...ref }, message);
    },
    async postEphemeral(channel, user, text) {
      log.info({ channel, user, text }, 'would post ephemeral Slack message');
    },
    async reply(ref, text) {
      log.info({ ...ref, text }, 'would reply in Slack thread');
    },
    async openView(triggerId, view) {
      const viewId = `VLOCAL${++seq}`;
      log.info({ triggerId, viewId }, 'would open Slack modal');
      log.debug({ viewId, view }, 'modal view');
      return { viewId };
    },
    async updateView(viewId, view) {
      log.info({ viewId }, 'would update Slack modal');
      log.debug({ viewId, view }, 'modal view');
    },
    ...loggingChannelMethods(log, nextTs),
  };
}

/** Local mode's incident channels: logged, with made-up ids so the set-up runs to its end. */
function loggingChannelMethods(log: Logger, nextTs: () => string): ChannelChat {
  return {
    async createChannel(name, opts) {
      log.info({ name, private: opts.private }, 'would create Slack channel');
      return { id: `CLOCAL${nextTs().replace('.', '')}`, name };
    },
    async findChannel() {
      return { channel: null, next: null };
    },
    async renameChannel(channel, name) {
      log.info({ channel, name }, 'would rename Slack channel');
      return { name };
    },
    async setTopic(channel, topic) {
      log.info({ channel, topic }, 'would set channel topic');
    },
    async invite(channel, users) {
      log.info({ channel, users }, 'would invite to channel');
    },
    async pin(ref) {
      log.info({ ...ref }, 'would pin message');
    },
    async addBookmark(channel, title, link) {
      log.info({ channel, title, link }, 'would add channel bookmark');
    },
    async archive(channel) {
      log.info({ channel }, 'would archive channel');
    },
    async messageAt() {
      return null;
    },
    async uploadFile(channel, file) {
      log.info({ channel, filename: file.filename, bytes: file.content.length }, 'would upload file');
    },
  };
}

/** The message as a person reads it at info (channel, text, how many blocks); the Block Kit JSON at debug. */
function preview(
  log: Logger,
  what: string,
  where: Record<string, unknown>,
  message: { text: string; blocks?: readonly unknown[] },
) {
  log.info({ ...where, text: message.text, blocks: message.blocks?.length ?? 0 }, what);
  log.debug({ ...where, blocks: message.blocks }, 'Block Kit JSON');
}
