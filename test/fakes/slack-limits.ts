/**
 * Slack's rate limits for the fake Web API: token buckets per method, per workspace or per channel.
 *
 * Why token buckets: Slack documents its tiers as "about N per minute" and allows "occasional bursts"; a bucket
 * refilling at N/60 per second with a small capacity is the simplest model that lets a well-behaved client (one
 * that schedules inside the limit) never see a 429, while a client that fires calls as they come bounces.
 *
 * Defaults (https://api.slack.com/apis/rate-limits, https://api.slack.com/messaging/webhooks):
 * - chat.postMessage (thread replies too): 1 per second per channel, burst 3; plus 300 per minute per workspace,
 *   burst 30 (Slack: "several hundred messages per minute" per workspace).
 * - Tier 2 (usergroups.users.list, conversations.create/rename/setTopic/archive/list, pins.add, bookmarks.add):
 *   20 per minute, burst 3.
 * - Tier 3 (chat.update, chat.delete, conversations.info/history/replies, reactions.add): 50 per minute,
 *   burst 10 (ready for methods the fake may learn; it answers unknown_method to the others today).
 * - Tier 4 (chat.postEphemeral, users.info, views.open, views.update): 100 per minute, burst 20.
 * - incoming webhooks: 1 per second per webhook URL, burst 2.
 * - auth.test and apps.connections.open are not limited here (Slack: special tier / Tier 1, but every replica
 *   calls them once at start-up and reconnect tests would only be slowed down).
 *
 * A refused call takes no token (Slack does not say; not charging it keeps Retry-After honest: a client that
 * waits Retry-After seconds gets through).
 */

export type LimitScope = 'workspace' | 'channel';

/** One bucket rule: `perMinute` refill and `burst` capacity, counted per workspace or per channel. */
export interface LimitSpec {
  perMinute: number;
  burst: number;
  /** Default: the scope of the method's first default rule (channel for chat.postMessage and webhooks). */
  scope?: LimitScope;
}

/**
 * `false`: no limits at all. An object: per-method overrides replacing that method's default rules
 * (a spec, several specs, or `false` for no limit on that method); methods not named keep Slack's defaults.
 */
export type SlackLimitsOption = false | Readonly<Record<string, LimitSpec | readonly LimitSpec[] | false>>;

/** The method name incoming-webhook posts are recorded and limited under. */
export const INCOMING_WEBHOOK = 'incoming-webhook';

const TIER2: LimitSpec[] = [{ perMinute: 20, burst: 3, scope: 'workspace' }];
const TIER3: LimitSpec[] = [{ perMinute: 50, burst: 10, scope: 'workspace' }];
const TIER4: LimitSpec[] = [{ perMinute: 100, burst: 20, scope: 'workspace' }];

export const SLACK_DEFAULT_LIMITS: Readonly<Record<string, readonly LimitSpec[]>> = {
  'chat.postMessage': [
    { perMinute: 60, burst: 3, scope: 'channel' },
    { perMinute: 300, burst: 30, scope: 'workspace' },
  ],
  'usergroups.users.list': TIER2,
  'conversations.create': TIER2,
  'conversations.rename': TIER2,
  'conversations.setTopic': TIER2,
  'conversations.archive': TIER2,
  'conversations.list': TIER2,
  'pins.add': TIER2,
  'bookmarks.add': TIER2,
  'conversations.invite': TIER3,
  'files.getUploadURLExternal': TIER4,
  'files.completeUploadExternal': TIER4,
  'chat.update': TIER3,
  'chat.delete': TIER3,
  'conversations.info': TIER3,
  'conversations.history': TIER3,
  'conversations.replies': TIER3,
  'reactions.add': TIER3,
  'chat.postEphemeral': TIER4,
  'users.info': TIER4,
  'views.open': TIER4,
  'views.update': TIER4,
  // keyed by the webhook URL's path, passed as the "channel" key
  [INCOMING_WEBHOOK]: [{ perMinute: 60, burst: 2, scope: 'channel' }],
};

/** What take() decided: allowed, or refused with Slack's Retry-After (whole seconds, at least 1). */
export type LimitDecision = { ok: true } | { ok: false; retryAfter: number };

export interface SlackLimiter {
  /** Charges one call to `method` (in `channel`, for channel-scoped rules) if every bucket has a token. */
  take(method: string, channel?: string): LimitDecision;
  /** Forgets every bucket (all full again). */
  reset(): void;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Token buckets for Slack's limits; `now` (ms) is injectable so tests need no real waiting. */
export function createSlackLimiter(
  option: SlackLimitsOption | undefined = undefined,
  now: () => number = Date.now,
): SlackLimiter {
  const rules = resolveRules(option);
  const buckets = new Map<string, Bucket>();

  function bucketOf(key: string, spec: LimitSpec, t: number): Bucket {
    let b = buckets.get(key);
    if (b === undefined) {
      b = { tokens: spec.burst, at: t };
      buckets.set(key, b);
    }
    const refill = ((t - b.at) * spec.perMinute) / 60_000; // exact for whole ms and rates
    b.tokens = Math.min(spec.burst, b.tokens + refill);
    b.at = t;
    return b;
  }

  return {
    take(method, channel = '') {
      const specs = rules.get(method);
      if (specs === undefined || specs.length === 0) return { ok: true };
      const t = now();
      const held = specs.map((spec, i) => {
        const key = spec.scope === 'channel' ? `${method}#${i}:${channel}` : `${method}#${i}`;
        return { spec, bucket: bucketOf(key, spec, t) };
      });
      let waitMs = 0;
      for (const { spec, bucket } of held) {
        if (bucket.tokens >= 1) continue;
        waitMs = Math.max(waitMs, ((1 - bucket.tokens) * 60_000) / spec.perMinute);
      }
      if (waitMs > 0) return { ok: false, retryAfter: Math.max(1, Math.ceil(waitMs / 1000)) };
      for (const { bucket } of held) bucket.tokens -= 1;
      return { ok: true };
    },
    reset: () => buckets.clear(),
  };
}

function resolveRules(option: SlackLimitsOption | undefined): Map<string, LimitSpec[]> {
  const out = new Map<string, LimitSpec[]>();
  if (option === false) return out;
  for (const [method, specs] of Object.entries(SLACK_DEFAULT_LIMITS)) out.set(method, [...specs]);
  for (const [method, override] of Object.entries(option ?? {})) {
    if (override === false) {
      out.delete(method);
      continue;
    }
    const defaultScope = SLACK_DEFAULT_LIMITS[method]?.[0]?.scope ?? 'workspace';
    const list: readonly LimitSpec[] = Array.isArray(override) ? override : [override as LimitSpec];
    for (const s of list) {
      if (!(s.perMinute > 0) || !(s.burst >= 1)) {
        throw new Error(`fake slack: limit for ${method} needs perMinute > 0 and burst >= 1`);
      }
    }
    out.set(
      method,
      list.map((s) => ({ ...s, scope: s.scope ?? defaultScope })),
    );
  }
  return out;
}
