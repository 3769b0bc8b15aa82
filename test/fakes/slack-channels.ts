import type { FakeMessage, SlackResult } from './slack-state';

type Body = Record<string, unknown>;

/** One channel the fake knows beyond its messages: what incident set-up changes. */
export interface FakeChannel {
  id: string;
  name: string;
  private: boolean;
  /** Who made it: mogo's bot user (UBOT) for conversations.create, a person for addChannel. */
  creator: string;
  /** Unix seconds, as conversations.list shows it. */
  created: number;
  topic: string;
  members: Set<string>;
  archived: boolean;
  pins: Set<string>;
  bookmarks: { title: string; link: string }[];
  /** Files completed into this channel: title and the uploaded text. */
  files: { id: string; title: string; content: string }[];
}

/** A file shared with one person (their direct messages with the app). */
export interface DirectFile {
  user: string;
  id: string;
  filename: string;
  title: string;
  content: string;
  comment: string | null;
}

/** Slack's channel-name rule: lowercase letters, digits, hyphens, underscores; at most 80 characters. */
const NAME = /^[a-z0-9_-]{1,80}$/;
const BOT_USER = 'UBOT';

/** The fake's conversations.*, pins.*, bookmarks.* and files.* (external upload) methods, answering like Slack. */
export class FakeChannels {
  readonly byId = new Map<string, FakeChannel>();
  private readonly uploads = new Map<string, { filename: string; content: string | null }>();
  /** Files shared into someone's direct messages with the app (`channels` = a user id). */
  readonly direct: DirectFile[] = [];
  private fileSeq = 0;

  constructor(
    private readonly idOf: (name: string) => string,
    private readonly nameTaken: (name: string) => boolean,
    private readonly messages: Map<string, FakeMessage>,
    private readonly origin: () => string,
    /** Most channels one conversations.list page holds, below the `limit` asked (Slack may answer fewer). */
    private readonly listPageMax = 1000,
  ) {}

  static readonly METHODS = [
    'conversations.create',
    'conversations.rename',
    'conversations.setTopic',
    'conversations.invite',
    'conversations.archive',
    'conversations.history',
    'conversations.list',
    'pins.add',
    'bookmarks.add',
    'files.getUploadURLExternal',
    'files.completeUploadExternal',
  ];

  reset(): void {
    this.byId.clear();
    this.uploads.clear();
    this.direct.length = 0;
  }

  /** A channel someone made in Slack itself (not through the API the fake answers), e.g. a person's. */
  add(name: string, creator: string, opts: { private?: boolean; archived?: boolean } = {}): FakeChannel {
    if (!NAME.test(name) || this.nameTaken(name) || this.byName(name))
      throw new Error(`fake slack: channel name ${name} invalid or taken`);
    const channel = this.make(name, creator, opts.private === true);
    channel.archived = opts.archived === true;
    return channel;
  }

  private make(name: string, creator: string, priv: boolean): FakeChannel {
    const id = this.idOf(name);
    const channel: FakeChannel = {
      id,
      name,
      private: priv,
      creator,
      created: Math.floor(Date.now() / 1000),
      topic: '',
      members: new Set([creator]),
      archived: false,
      pins: new Set(),
      bookmarks: [],
      files: [],
    };
    this.byId.set(id, channel);
    return channel;
  }

  byName(name: string): FakeChannel | undefined {
    return [...this.byId.values()].find((c) => c.name === name);
  }

  /** The bytes posted to an upload URL. */
  upload(fileId: string, content: string): boolean {
    const u = this.uploads.get(fileId);
    if (!u) return false;
    u.content = content;
    return true;
  }

  handle(method: string, body: Body): SlackResult {
    switch (method) {
      case 'conversations.create': {
        const name = str(body.name) ?? '';
        if (!NAME.test(name))
          return fail(name.length > 80 ? 'invalid_name_maxlength' : 'invalid_name_specials');
        if (this.nameTaken(name) || this.byName(name)) return fail('name_taken');
        const c = this.make(name, BOT_USER, body.is_private === true || body.is_private === 'true');
        return { ok: true, channel: { ...listed(c), is_member: true } };
      }
      case 'conversations.rename': {
        const c = this.open(body.channel);
        if (typeof c === 'string') return fail(c);
        const name = str(body.name) ?? '';
        if (!NAME.test(name)) return fail('invalid_name_specials');
        if (this.nameTaken(name) || (this.byName(name) && this.byName(name) !== c)) return fail('name_taken');
        c.name = name;
        return { ok: true, channel: { id: c.id, name } };
      }
      case 'conversations.setTopic': {
        const c = this.open(body.channel);
        if (typeof c === 'string') return fail(c);
        c.topic = str(body.topic) ?? '';
        return { ok: true, channel: { id: c.id, topic: { value: c.topic } } };
      }
      case 'conversations.invite': {
        const c = this.open(body.channel);
        if (typeof c === 'string') return fail(c);
        const users = (str(body.users) ?? '').split(',').filter(Boolean);
        if (users.length === 0) return fail('no_user');
        if (users.some((u) => c.members.has(u))) return fail('already_in_channel');
        for (const u of users) c.members.add(u);
        return { ok: true, channel: { id: c.id } };
      }
      case 'conversations.archive': {
        const c = this.byId.get(str(body.channel) ?? '');
        if (!c) return fail('channel_not_found');
        if (c.archived) return fail('already_archived');
        c.archived = true;
        return { ok: true };
      }
      case 'conversations.history': {
        const channel = str(body.channel) ?? '';
        const latest = str(body.latest);
        const inclusive = body.inclusive === true || body.inclusive === 'true' || body.inclusive === '1';
        const limit = Number(body.limit ?? 100);
        const found = [...this.messages.values()]
          .filter((m) => m.channel === channel && m.threadTs === null)
          .filter((m) => latest === undefined || (inclusive ? m.ts <= latest : m.ts < latest))
          .sort((a, b) => (a.ts < b.ts ? 1 : -1))
          .slice(0, limit);
        return {
          ok: true,
          messages: found.map((m) => ({
            type: 'message',
            ts: m.ts,
            text: m.text ?? '',
            user: m.user ?? 'UBOT',
          })),
          has_more: false,
        };
      }
      case 'conversations.list':
        return this.list(body);
      case 'pins.add': {
        const c = this.open(body.channel);
        if (typeof c === 'string') return fail(c);
        const ts = str(body.timestamp) ?? '';
        if (!this.messages.has(`${c.id}:${ts}`)) return fail('message_not_found');
        if (c.pins.has(ts)) return fail('already_pinned');
        c.pins.add(ts);
        return { ok: true };
      }
      case 'bookmarks.add': {
        const c = this.open(body.channel_id);
        if (typeof c === 'string') return fail(c);
        const title = str(body.title);
        if (!title) return fail('invalid_arguments');
        c.bookmarks.push({ title, link: str(body.link) ?? '' });
        return { ok: true, bookmark: { id: `Bk${c.bookmarks.length}`, title } };
      }
      case 'files.getUploadURLExternal': {
        const filename = str(body.filename);
        if (!filename || !(Number(body.length) > 0)) return fail('invalid_arguments');
        const id = `F${++this.fileSeq}`;
        this.uploads.set(id, { filename, content: null });
        return { ok: true, upload_url: `${this.origin()}/upload/${id}`, file_id: id };
      }
      case 'files.completeUploadExternal': {
        const files = parseFiles(body.files);
        const toUser = str(body.channels);
        if (toUser !== undefined && body.channel_id === undefined)
          return this.shareWithUser(toUser, files, body);
        const c = this.open(body.channel_id);
        if (typeof c === 'string') return fail(c);
        for (const f of files) {
          const u = this.uploads.get(f.id);
          if (!u || u.content === null) return fail('file_not_found');
          c.files.push({ id: f.id, title: f.title ?? u.filename, content: u.content });
        }
        return { ok: true, files: files.map((f) => ({ id: f.id, title: f.title })) };
      }
      default:
        return fail('unknown_method');
    }
  }

  /** `channels` naming one user: the file lands in their direct messages with the app. */
  private shareWithUser(user: string, files: { id: string; title?: string }[], body: Body): SlackResult {
    if (!/^[UW][A-Z0-9]{2,}$/.test(user)) return fail('channel_not_found');
    if (files.length === 0) return fail('invalid_arguments');
    for (const f of files) {
      const u = this.uploads.get(f.id);
      if (!u || u.content === null) return fail('file_not_found');
      this.direct.push({
        user,
        id: f.id,
        filename: u.filename,
        title: f.title ?? u.filename,
        content: u.content,
        comment: str(body.initial_comment) ?? null,
      });
      this.uploads.delete(f.id);
    }
    return { ok: true, files: files.map((f) => ({ id: f.id, title: f.title })) };
  }

  /**
   * conversations.list as Slack pages it: `limit` (default 100, at most 1000) per page, fewer past listPageMax,
   * an opaque `response_metadata.next_cursor` ('' on the last page), `types` (default public_channel; private
   * channels only where the bot is a member), `exclude_archived`. Channels in creation order.
   */
  private list(body: Body): SlackResult {
    const limit = body.limit === undefined ? 100 : Number(body.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return fail('invalid_limit');
    const types = (str(body.types) ?? 'public_channel').split(',');
    if (types.some((t) => !['public_channel', 'private_channel', 'mpim', 'im'].includes(t)))
      return fail('invalid_types');
    const cursor = str(body.cursor);
    const offset = cursor === undefined ? 0 : Number(/^offset:(\d+)$/.exec(b64(cursor))?.[1] ?? Number.NaN);
    if (Number.isNaN(offset)) return fail('invalid_cursor');
    const archived = body.exclude_archived === true || body.exclude_archived === 'true';
    const all = [...this.byId.values()].filter(
      (c) =>
        (c.private
          ? types.includes('private_channel') && c.members.has(BOT_USER)
          : types.includes('public_channel')) && !(archived && c.archived),
    );
    const end = offset + Math.min(limit, this.listPageMax);
    return {
      ok: true,
      channels: all.slice(offset, end).map((c) => ({ ...listed(c), is_member: c.members.has(BOT_USER) })),
      response_metadata: {
        next_cursor: end < all.length ? Buffer.from(`offset:${end}`).toString('base64') : '',
      },
    };
  }

  /** The channel, or Slack's error string when it cannot be changed. */
  private open(channel: unknown): FakeChannel | string {
    const c = this.byId.get(str(channel) ?? '');
    if (!c) return 'channel_not_found';
    if (c.archived) return 'is_archived';
    return c;
  }
}

function parseFiles(v: unknown): { id: string; title?: string }[] {
  const parsed = typeof v === 'string' ? (JSON.parse(v) as unknown) : v;
  return Array.isArray(parsed) ? (parsed as { id: string; title?: string }[]) : [];
}

/** A channel object as Slack's conversations.* methods show it. */
function listed(c: FakeChannel): SlackResult {
  return {
    id: c.id,
    name: c.name,
    is_channel: true,
    is_group: false,
    is_private: c.private,
    is_archived: c.archived,
    created: c.created,
    creator: c.creator,
  };
}

function b64(v: string): string {
  return Buffer.from(v, 'base64').toString('utf8');
}

function fail(error: string): SlackResult {
  return { ok: false, error };
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}
