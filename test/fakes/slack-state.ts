import { createHash } from 'node:crypto';
import { FakeChannels } from './slack-channels';
import type { SlackLimitsOption } from './slack-limits';

/** What the fake Slack workspace knows beyond the messages posted to it. */
export interface FakeSlackOptions {
  /** Accepted bot tokens; by default any token starting with "xoxb-". */
  tokens?: string[];
  /** usergroups.users.list answers: usergroup id -> member user ids. Unknown ids answer no_such_subteam. */
  usergroups?: Record<string, string[]>;
  /** Channel name (without "#") -> id, to pin ids; other names get a stable "C" + hash id. */
  channels?: Record<string, string>;
  /** users.info answers by user id; unknown ids get a generated user. */
  users?: Record<string, { name: string; realName?: string }>;
  /** What apps.connections.open hands out (a fake Socket Mode server's wsUrl); unset: it answers an error. */
  socketModeUrl?: string;
  /**
   * Slack's rate limits (see slack-limits.ts), ON by default so the fake behaves like Slack: `false` turns them
   * off, per-method entries replace that method's defaults. Tests testing something else than load use this.
   */
  limits?: SlackLimitsOption;
  /** Most channels a conversations.list page holds whatever `limit` asks (Slack may answer fewer); default 1000. */
  listPageMax?: number;
  /** Where an incoming-webhook post without a `channel` field lands; default "#incoming-webhook". */
  webhookChannel?: string;
}

/** The current state of one posted message, after every successful chat.update. */
export interface FakeMessage {
  channel: string;
  /** The "#name" (without "#") it was posted to, when posted by name. */
  channelName: string | null;
  ts: string;
  threadTs: string | null;
  text: string | undefined;
  blocks: unknown[] | undefined;
  /** Legacy attachments (Alertmanager's slack_configs sends its title and text in them). */
  attachments?: unknown[];
  /** Posted through an incoming webhook (method "incoming-webhook"). */
  viaWebhook?: boolean;
  /** Successful chat.update calls so far. */
  updates: number;
  /** A person's message (addUserMessage); absent: the bot's. */
  user?: string;
}

export type SlackResult = Record<string, unknown>;
type Body = Record<string, unknown>;

const TEAM_ID = 'T0001';
const BOT = { user_id: 'UBOT', bot_id: 'BBOT', user: 'mogo' };
const CHANNEL_ID = /^[CGD][A-Z0-9]{2,}$/;
const METHODS = new Set([
  'apps.connections.open',
  'auth.test',
  'chat.postMessage',
  'chat.update',
  'chat.postEphemeral',
  'conversations.info',
  'users.info',
  'usergroups.users.list',
  'views.open',
  'views.update',
  ...FakeChannels.METHODS,
]);

/** The fake's workspace: method semantics only, no HTTP. */
export class SlackState {
  readonly messages = new Map<string, FakeMessage>();
  private readonly names = new Map<string, string>();
  private seq = 0;
  private socketModeUrl: string | undefined;
  /** Where upload URLs point (the server's origin, set once it listens). */
  origin = 'http://127.0.0.1';
  /** Channels made by conversations.create; names pinned in `opts.channels` count as taken. */
  readonly channels: FakeChannels;

  constructor(private readonly opts: FakeSlackOptions) {
    this.socketModeUrl = opts.socketModeUrl;
    this.channels = new FakeChannels(
      (name) => this.channelId(name),
      (name) => opts.channels?.[name] !== undefined,
      this.messages,
      () => this.origin,
      opts.listPageMax,
    );
  }

  /** A person's message in a channel (or thread), as if they had typed it; returns its ts. */
  addUserMessage(channel: string, user: string, text: string, threadTs?: string): string {
    const id = this.channelId(channel);
    const ts = this.nextTs();
    this.messages.set(`${id}:${ts}`, {
      channel: id,
      channelName: null,
      ts,
      threadTs: threadTs ?? null,
      text,
      blocks: undefined,
      updates: 0,
      user,
    });
    return ts;
  }

  /** Where apps.connections.open points Socket Mode clients from now on. */
  setSocketModeUrl(url: string | undefined): void {
    this.socketModeUrl = url;
  }

  /** "#alerts", "alerts" or an id such as "C123" -> the channel id, remembering names. */
  channelId(channel: string): string {
    if (CHANNEL_ID.test(channel)) return channel;
    const name = channel.replace(/^#/, '');
    const id =
      this.opts.channels?.[name] ??
      `C${createHash('sha1').update(name).digest('hex').slice(0, 10).toUpperCase()}`;
    this.names.set(id, name);
    return id;
  }

  knows(method: string): boolean {
    return METHODS.has(method);
  }

  acceptsToken(token: string, method?: string): boolean {
    // Socket Mode connects with the app-level token (xapp-…) and only that method takes one.
    if (method === 'apps.connections.open') return token.startsWith('xapp-');
    return this.opts.tokens === undefined ? token.startsWith('xoxb-') : this.opts.tokens.includes(token);
  }

  reset(): void {
    this.messages.clear();
    this.names.clear();
    this.channels.reset();
    // seq keeps growing: a ts handed out before reset() is never handed out again.
  }

  /** Answers one call to a method it knows(). */
  handle(method: string, body: Body): SlackResult {
    switch (method) {
      case 'apps.connections.open':
        return this.socketModeUrl === undefined
          ? fail('internal_error', 'fake slack: no Socket Mode URL set (setSocketModeUrl)')
          : { ok: true, url: this.socketModeUrl };
      case 'auth.test':
        return { ok: true, url: 'https://mogo-test.slack.com/', team: 'mogo test', team_id: TEAM_ID, ...BOT };
      case 'chat.postMessage':
        return this.postMessage(body);
      case 'chat.update':
        return this.update(body);
      case 'chat.postEphemeral':
        if (!str(body.channel)) return fail('channel_not_found');
        if (!str(body.user)) return fail('user_not_found');
        return { ok: true, message_ts: this.nextTs() };
      case 'conversations.info': {
        if (!str(body.channel)) return fail('channel_not_found');
        const id = this.channelId(str(body.channel)!);
        const name = this.names.get(id) ?? `channel-${id.toLowerCase()}`;
        return {
          ok: true,
          channel: { id, name, is_channel: true, is_private: false, is_archived: false, is_member: true },
        };
      }
      case 'users.info':
        return this.userInfo(body);
      case 'usergroups.users.list': {
        const users = this.opts.usergroups?.[str(body.usergroup) ?? ''];
        return users === undefined ? fail('no_such_subteam') : { ok: true, users };
      }
      case 'views.open':
        if (!str(body.trigger_id)) return fail('invalid_arguments');
        if (typeof body.view !== 'object' || body.view === null) return fail('invalid_arguments');
        return { ok: true, view: { ...(body.view as Body), id: `V${++this.seq}`, team_id: TEAM_ID } };
      case 'views.update':
        if (!str(body.view_id) && !str(body.external_id)) return fail('invalid_arguments');
        if (typeof body.view !== 'object' || body.view === null) return fail('invalid_arguments');
        return {
          ok: true,
          view: { ...(body.view as Body), id: str(body.view_id) ?? `V${++this.seq}`, team_id: TEAM_ID },
        };
      default:
        return this.channels.handle(method, body);
    }
  }

  private postMessage(body: Body): SlackResult {
    const target = str(body.channel);
    if (!target) return fail('channel_not_found');
    if (!str(body.text) && body.blocks === undefined && body.attachments === undefined)
      return fail('no_text');
    const invalid = invalidBlocks(body.blocks);
    if (invalid !== null) return fail('invalid_blocks', invalid);
    const channel = this.channelId(target);
    const ts = this.nextTs();
    const message: FakeMessage = {
      channel,
      channelName: CHANNEL_ID.test(target) ? null : target.replace(/^#/, ''),
      ts,
      threadTs: str(body.thread_ts) ?? null,
      text: str(body.text),
      blocks: body.blocks as unknown[] | undefined,
      ...(Array.isArray(body.attachments) ? { attachments: body.attachments as unknown[] } : {}),
      updates: 0,
    };
    this.messages.set(`${channel}:${ts}`, message);
    return { ok: true, channel, ts, message: slackMessage(message) };
  }

  /** An incoming-webhook post: like chat.postMessage into `channel` (or the default), answered without a ts. */
  incomingWebhook(body: Body): SlackResult {
    const target = str(body.channel) ?? this.opts.webhookChannel ?? '#incoming-webhook';
    const result = this.postMessage({ ...body, channel: target });
    if (result.ok !== true) return result.error === 'no_text' ? fail('no_text') : fail('invalid_payload');
    const message = this.messages.get(`${String(result.channel)}:${String(result.ts)}`);
    if (message !== undefined) message.viaWebhook = true;
    return { ok: true };
  }

  private update(body: Body): SlackResult {
    const target = str(body.channel);
    if (!target) return fail('channel_not_found');
    const channel = this.channelId(target);
    const message = this.messages.get(`${channel}:${str(body.ts) ?? ''}`);
    if (message === undefined) return fail('message_not_found');
    const invalid = invalidBlocks(body.blocks);
    if (invalid !== null) return fail('invalid_blocks', invalid);
    if (body.text !== undefined) message.text = str(body.text);
    if (body.blocks !== undefined) message.blocks = body.blocks as unknown[];
    message.updates++;
    return { ok: true, channel, ts: message.ts, text: message.text ?? '', message: slackMessage(message) };
  }

  private userInfo(body: Body): SlackResult {
    const id = str(body.user);
    if (!id) return fail('user_not_found');
    const known = this.opts.users?.[id];
    const name = known?.name ?? `user-${id.toLowerCase()}`;
    const realName = known?.realName ?? name;
    return {
      ok: true,
      user: {
        id,
        team_id: TEAM_ID,
        name,
        real_name: realName,
        deleted: false,
        is_bot: false,
        tz: 'UTC',
        profile: { real_name: realName, display_name: name },
      },
    };
  }

  /** "1700000000.000100", "1700000000.000200", …: increasing and unique like Slack's. */
  private nextTs(): string {
    const n = ++this.seq;
    return `${1_700_000_000 + Math.floor(n / 10_000)}.${String((n % 10_000) * 100).padStart(6, '0')}`;
  }
}

function slackMessage(m: FakeMessage): SlackResult {
  return {
    type: 'message',
    ...BOT,
    ts: m.ts,
    text: m.text ?? '',
    ...(m.blocks === undefined ? {} : { blocks: m.blocks }),
    ...(m.threadTs === null ? {} : { thread_ts: m.threadTs }),
  };
}

function fail(error: string, detail?: string): SlackResult {
  return detail === undefined ? { ok: false, error } : { ok: false, error, errors: [detail] };
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * The checks Slack makes that a renderer is most likely to trip: at most 50 blocks, each with a type, and no
 * text object over 3000 characters (150 in a header). Returns what is wrong, or null.
 */
function invalidBlocks(blocks: unknown): string | null {
  if (blocks === undefined) return null;
  if (!Array.isArray(blocks)) return 'blocks must be an array';
  if (blocks.length > 50) return `${blocks.length} blocks, at most 50 allowed`;
  for (const [i, b] of blocks.entries()) {
    if (typeof b !== 'object' || b === null || typeof (b as Body).type !== 'string')
      return `block ${i} has no type`;
    const header = (b as Body).type === 'header';
    const long = findLongText(b, header ? 150 : 3000);
    if (long !== null) return `block ${i}: text longer than ${header ? 150 : 3000} characters`;
  }
  return null;
}

function findLongText(node: unknown, max: number): string | null {
  if (Array.isArray(node)) {
    for (const n of node) if (findLongText(n, max) !== null) return 'long';
    return null;
  }
  if (typeof node !== 'object' || node === null) return null;
  const o = node as Body;
  if ((o.type === 'mrkdwn' || o.type === 'plain_text') && typeof o.text === 'string' && o.text.length > max) {
    return o.text;
  }
  for (const v of Object.values(o)) if (findLongText(v, max) !== null) return 'long';
  return null;
}
