import type { WebClient } from '@slack/web-api';
import { AppError, isAppError } from '../errors';
import type { ChannelChat, SendOptions } from '../ports';

/** createSlackChat's paced call: takes the method's budget, maps errors to AppErrors. */
export type PacedCall = <T>(
  method: string,
  channel: string | undefined,
  send: SendOptions | undefined,
  fn: () => Promise<T>,
) => Promise<T>;

/** Slack answers these when the thing asked for is already so: success for an idempotent step. */
const ALREADY = new Set(['already_in_channel', 'already_pinned', 'already_archived', 'cant_invite_self']);

async function tolerating(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (isAppError(e) && ALREADY.has(String(e.details?.slackCode))) return;
    throw e;
  }
}

/** Channels per conversations.list page: Slack's most is 999 (it may answer fewer, even mid-list). */
const LIST_PAGE = 999;

/**
 * The incident channel methods of the Chat port over the Web API. A call waits for the shared budget as a click's
 * does (up to INTERACTIVE_MAX_WAIT_MS); past that it fails with SLACK_RATE_LIMITED and the incident set-up worker
 * puts its step back for later, like the render queue.
 */
export function createChannelMethods(client: WebClient, call: PacedCall, send?: SendOptions): ChannelChat {
  let self: Promise<string> | undefined;
  /** mogo's bot user (auth.test), asked once: the creator of every channel mogo made. */
  const botUser = (): Promise<string> => {
    self ??= call('auth.test', undefined, send, () => client.auth.test()).then((r) => {
      if (!r.user_id) throw new AppError('SLACK_REQUEST_FAILED', 'auth.test: no user_id');
      return r.user_id;
    });
    return self.catch((e: unknown) => {
      self = undefined;
      throw e;
    });
  };

  return {
    async createChannel(name, opts) {
      const r = await call('conversations.create', undefined, send, () =>
        client.conversations.create({ name, is_private: opts.private }),
      );
      if (!r.channel?.id) throw new AppError('SLACK_REQUEST_FAILED', 'conversations.create: no channel id');
      return { id: r.channel.id, name: r.channel.name ?? name };
    },
    async findChannel(name, from) {
      const me = await botUser();
      const page = await call('conversations.list', undefined, send, () =>
        client.conversations.list({
          types: 'public_channel,private_channel',
          exclude_archived: true,
          limit: LIST_PAGE,
          ...(from ? { cursor: from } : {}),
        }),
      );
      const c = page.channels?.find((ch) => ch.name === name);
      if (c?.id)
        return {
          channel: { id: c.id, name, createdAt: new Date((c.created ?? 0) * 1000), byMogo: c.creator === me },
          next: null,
        };
      return { channel: null, next: page.response_metadata?.next_cursor || null };
    },
    async renameChannel(channel, name) {
      const r = await call('conversations.rename', undefined, send, () =>
        client.conversations.rename({ channel, name }),
      );
      return { name: r.channel?.name ?? name };
    },
    async setTopic(channel, topic) {
      await call('conversations.setTopic', undefined, send, () =>
        client.conversations.setTopic({ channel, topic: topic.slice(0, 250) }),
      );
    },
    async invite(channel, users) {
      // one call per person: Slack refuses the whole list when one of them is already there
      for (const user of new Set(users))
        await tolerating(
          call('conversations.invite', undefined, send, () =>
            client.conversations.invite({ channel, users: user }),
          ),
        );
    },
    async pin(ref) {
      await tolerating(
        call('pins.add', undefined, send, () => client.pins.add({ channel: ref.channel, timestamp: ref.ts })),
      );
    },
    async addBookmark(channel, title, link) {
      await call('bookmarks.add', undefined, send, () =>
        client.bookmarks.add({ channel_id: channel, title, type: 'link', link }),
      );
    },
    async archive(channel) {
      await tolerating(
        call('conversations.archive', undefined, send, () => client.conversations.archive({ channel })),
      );
    },
    async messageAt(channel, ts) {
      const r = await call('conversations.history', undefined, send, () =>
        client.conversations.history({ channel, latest: ts, inclusive: true, limit: 1 }),
      );
      const m = r.messages?.[0];
      if (!m || m.ts !== ts) return null;
      return { ts, user: m.user ?? m.bot_id ?? null, text: m.text ?? '' };
    },
    async uploadFile(channel, file) {
      const bytes = Buffer.from(file.content, 'utf8');
      const url = await call('files.getUploadURLExternal', undefined, send, () =>
        client.files.getUploadURLExternal({ filename: file.filename, length: bytes.length }),
      );
      if (!url.upload_url || !url.file_id)
        throw new AppError('SLACK_REQUEST_FAILED', 'files.getUploadURLExternal: no upload URL');
      const res = await fetch(url.upload_url, { method: 'POST', body: bytes }).catch((e: unknown) => {
        throw new AppError('SLACK_UNAVAILABLE', `file upload: ${String((e as Error).message)}`, { cause: e });
      });
      if (!res.ok)
        throw new AppError(
          res.status >= 500 ? 'SLACK_UNAVAILABLE' : 'SLACK_REQUEST_FAILED',
          `file upload: HTTP ${res.status}`,
        );
      // a user id is shared through `channels` (Slack opens the direct message); a channel through channel_id
      const where = /^[UW][A-Z0-9]+$/.test(channel) ? { channels: channel } : { channel_id: channel };
      await call('files.completeUploadExternal', channel, send, () =>
        client.files.completeUploadExternal({
          files: [{ id: url.file_id!, title: file.title }],
          ...where,
          ...(file.comment ? { initial_comment: file.comment } : {}),
        } as Parameters<typeof client.files.completeUploadExternal>[0]),
      );
    },
  };
}
