import type { AlertGroup } from '../domain/group';
import type { MessageRef } from './alert-store';

/** One channel's share of a digest: what changed among its digest-only groups since its previous digest. */
export interface DigestCandidates {
  channel: string;
  /** The previous posted digest's period start for this channel, or the first-digest lookback. */
  since: Date;
  /** Most pressing first: firing before resolved, then priority, then the most recently changed. */
  groups: AlertGroup[];
  /** How many groups changed in all (groups holds at most the limit asked for). */
  total: number;
}

/**
 * The durable side of the digest of digest-only groups (routing.notify false, never posted on their own).
 * A digest is claimed per (channel, period) before it is posted, so replicas ticking together post it once.
 * Digest-only groups are those with routing.notify false and no Slack message of their own.
 */
export interface DigestStore {
  /**
   * Per channel, the digest-only groups changed in [since, periodStart), where since is the period start of the
   * channel's newest posted digest before periodStart, or periodStart - firstLookbackMs when there is none.
   * Channels with nothing changed are left out.
   */
  listCandidates(
    periodStart: Date,
    opts: { firstLookbackMs: number; limit: number },
  ): Promise<DigestCandidates[]>;
  /**
   * Atomically claims the right to post the digest of (channel, periodStart): true for exactly one caller.
   * A claim never completed (a crash between claim and post) can be taken again after `staleMs`.
   */
  claim(channel: string, periodStart: Date, staleMs: number): Promise<boolean>;
  /** Records the posted message; from now on this digest is the channel's "previous digest". */
  complete(channel: string, periodStart: Date, ref: MessageRef, groupCount: number): Promise<void>;
  /** Gives up an uncompleted claim (posting failed), so a retry or the next tick can try again. */
  release(channel: string, periodStart: Date): Promise<void>;
}
