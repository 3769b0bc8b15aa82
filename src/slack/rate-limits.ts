import type { RateLimit } from '../domain/token-bucket';

/**
 * Slack's published Web API limits (https://api.slack.com/apis/rate-limits), per app and workspace, set a little
 * under the published figure so mogo never reaches them: a call Slack bounces costs a round trip and Slack may
 * restrict apps that keep calling past their limits. chat.postMessage has its own rule, about one message per
 * second per channel with short bursts; everything else follows its method's tier.
 */
const TIERS = {
  tier2: { perSecond: 18 / 60, burst: 3 },
  tier3: { perSecond: 45 / 60, burst: 5 },
  tier4: { perSecond: 90 / 60, burst: 10 },
} as const satisfies Record<string, RateLimit>;

const POST_PER_CHANNEL: RateLimit = { perSecond: 1, burst: 2 };

/** New messages one channel takes a second: what a storm's first posts queue behind. */
export const POSTS_PER_SECOND_PER_CHANNEL = POST_PER_CHANNEL.perSecond;

const METHOD_TIERS: Record<string, RateLimit> = {
  'chat.update': TIERS.tier3,
  'conversations.info': TIERS.tier3,
  'users.info': TIERS.tier4,
  'chat.postEphemeral': TIERS.tier4,
  'views.open': TIERS.tier4,
  'views.update': TIERS.tier4,
  'usergroups.users.list': TIERS.tier2,
  // incident channels: Slack's Tier 2 (about 20 a minute) for everything that shapes a channel
  'conversations.create': TIERS.tier2,
  'conversations.rename': TIERS.tier2,
  'conversations.setTopic': TIERS.tier2,
  'conversations.archive': TIERS.tier2,
  // only to find a channel a crash left unrecorded (paged; Slack counts each page)
  'conversations.list': TIERS.tier2,
  'pins.add': TIERS.tier2,
  'bookmarks.add': TIERS.tier2,
  'conversations.invite': TIERS.tier3,
  'conversations.history': TIERS.tier3,
  'files.getUploadURLExternal': TIERS.tier4,
  'files.completeUploadExternal': TIERS.tier4,
};

export interface SlackBucket {
  key: string;
  limit: RateLimit;
  /**
   * Tokens routine calls must leave in the bucket for urgent ones (a P1's first post or update), so a P1
   * never waits behind a storm of lower-priority work that drained the budget a moment before.
   */
  reserve: number;
}

/** The budget a call draws on: per channel for chat.postMessage, per method (workspace-wide) otherwise. */
export function slackBucket(method: string, channel?: string): SlackBucket {
  if (method === 'chat.postMessage')
    return { key: `slack:chat.postMessage:${channel ?? '-'}`, limit: POST_PER_CHANNEL, reserve: 1 };
  const limit = METHOD_TIERS[method] ?? TIERS.tier3;
  return { key: `slack:${method}`, limit, reserve: Math.floor(limit.burst / 2) };
}

/** The longest wait for which a routine (non-queue) call sleeps for its budget instead of failing. */
export const INTERACTIVE_MAX_WAIT_MS = 2_000;
