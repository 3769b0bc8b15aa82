import { asAppError } from '../errors';
import type { Logger } from '../logger';
import type { AuditLog, DigestPublisher, DigestStore } from '../ports';

export interface PostDigestDeps {
  digests: DigestStore;
  publisher: DigestPublisher;
  audit: AuditLog;
  logger: Logger;
}

export interface PostDigestOptions {
  /** How far back the first digest of a channel looks (no previous digest to start from); default 24 h. */
  firstLookbackMs?: number;
  /** A claim whose digest was never posted (crash mid-post) may be taken again after this; default 10 min. */
  staleClaimMs?: number;
}

export interface DigestResult {
  /** Channels whose digest this call posted. */
  posted: string[];
  /** Channels whose digest failed to post (claim released: a retry or the next tick tries again). */
  failed: string[];
  /** Channels another replica (or an earlier call) already claimed for this period. */
  skipped: string[];
}

export const DEFAULT_FIRST_LOOKBACK_MS = 24 * 3600_000;
export const DEFAULT_STALE_CLAIM_MS = 10 * 60_000;

/**
 * Posts one digest per channel listing the digest-only alert groups (routing.notify false) that changed since
 * that channel's previous digest, for the period starting at `periodStart` (the schedule's tick). Each
 * (channel, period) is claimed before posting, so replicas ticking together post it exactly once; a failed
 * post is logged, audited as digest.failed and released, never silently lost. Channels with nothing new get
 * nothing.
 */
export async function postDigest(
  deps: PostDigestDeps,
  periodStart: Date,
  opts: PostDigestOptions = {},
): Promise<DigestResult> {
  const log = deps.logger.child({ module: 'digest' });
  const result: DigestResult = { posted: [], failed: [], skipped: [] };
  const candidates = await deps.digests.listCandidates(periodStart, {
    firstLookbackMs: opts.firstLookbackMs ?? DEFAULT_FIRST_LOOKBACK_MS,
    limit: deps.publisher.maxGroups,
  });
  const period = { periodStart: periodStart.toISOString() };

  for (const c of candidates) {
    const subject = `channel:${c.channel}`;
    const staleMs = opts.staleClaimMs ?? DEFAULT_STALE_CLAIM_MS;
    if (!(await deps.digests.claim(c.channel, periodStart, staleMs))) {
      result.skipped.push(c.channel);
      continue;
    }
    const groupIds = c.groups.map((g) => g.id);
    const details = { ...period, since: c.since.toISOString(), count: c.total, groupIds };
    try {
      const ref = await deps.publisher.publish({ ...c, until: periodStart });
      await deps.digests.complete(c.channel, periodStart, ref, c.total);
      deps.audit.append({
        actor: 'mogo',
        action: 'digest.posted',
        subject,
        details: { ...details, ts: ref.ts },
      });
      result.posted.push(c.channel);
    } catch (err) {
      const e = asAppError(err);
      log.error({ err, channel: c.channel, ...period }, 'posting the digest failed; it is retried');
      deps.audit.append({
        actor: 'mogo',
        action: 'digest.failed',
        subject,
        details: { ...details, error: e.code },
      });
      await deps.digests
        .release(c.channel, periodStart)
        .catch((releaseErr) =>
          log.error(
            { err: releaseErr, channel: c.channel },
            'releasing the digest claim failed; it goes stale',
          ),
        );
      result.failed.push(c.channel);
    }
  }
  return result;
}
