import { sampleGroup } from '../../test/contract/alert-store.fixtures';
import type { AlertGroup } from '../domain/group';
import { AppError } from '../errors';
import { createLogger } from '../logger';
import type {
  AuditEntry,
  AuditLog,
  Digest,
  DigestCandidates,
  DigestPublisher,
  DigestStore,
  MessageRef,
} from '../ports';
import { postDigest } from './post-digest';

const PERIOD = new Date('2026-05-02T09:00:00.000Z');
const SINCE = new Date('2026-05-01T09:00:00.000Z');

const digestOnly = (name: string, channel = '#alerts'): AlertGroup =>
  sampleGroup(`{}:{alertname="${name}"}`, {
    commonLabels: { alertname: name },
    routing: { priority: 'P4', score: 10, channel, mentions: [], notify: false, matched: [] },
  });

/** An in-memory DigestStore: claims keyed by channel and period, candidates given by the test. */
function fakeDigests(candidates: DigestCandidates[]) {
  const claims = new Map<string, { ts: string | null }>();
  const key = (channel: string, at: Date) => `${channel}@${at.toISOString()}`;
  const store: DigestStore & { claims: typeof claims } = {
    claims,
    async listCandidates() {
      return candidates;
    },
    async claim(channel, periodStart) {
      if (claims.has(key(channel, periodStart))) return false;
      claims.set(key(channel, periodStart), { ts: null });
      return true;
    },
    async complete(channel, periodStart, ref) {
      claims.set(key(channel, periodStart), { ts: ref.ts });
    },
    async release(channel, periodStart) {
      if (claims.get(key(channel, periodStart))?.ts === null) claims.delete(key(channel, periodStart));
    },
  };
  return store;
}

/** Records what was published; `fail` makes a channel's publishing throw. */
function fakePublisher(fail?: (channel: string) => Error | undefined) {
  const posts: Digest[] = [];
  const publisher: DigestPublisher = {
    maxGroups: 20,
    async publish(digest): Promise<MessageRef> {
      const err = fail?.(digest.channel);
      if (err) throw err;
      posts.push(digest);
      return { channel: `C-${digest.channel}`, ts: `${posts.length}.0` };
    },
  };
  return { publisher, posts };
}

function fakeAudit() {
  const entries: AuditEntry[] = [];
  const audit: AuditLog = {
    append: (e) => void entries.push(e),
    flush: async () => {},
    list: async () => [],
  };
  return { audit, entries };
}

function setup(candidates: DigestCandidates[], fail?: (channel: string) => Error | undefined) {
  const digests = fakeDigests(candidates);
  const { publisher, posts } = fakePublisher(fail);
  const { audit, entries } = fakeAudit();
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger('debug', { write: (line: string) => void logs.push(JSON.parse(line)) });
  return { deps: { digests, publisher, audit, logger }, digests, posts, entries, logs };
}

describe('postDigest', () => {
  const alertsChannel = (): DigestCandidates => ({
    channel: '#alerts',
    since: SINCE,
    groups: [digestOnly('DiskAlmostFull'), digestOnly('CertExpiring')],
    total: 2,
  });
  const otherChannel = (): DigestCandidates => ({
    channel: '#team',
    since: SINCE,
    groups: [digestOnly('QueueSlow', '#team')],
    total: 1,
  });

  it('posts one digest per channel and audits each as digest.posted', async () => {
    const t = setup([alertsChannel(), otherChannel()]);

    const res = await postDigest(t.deps, PERIOD);

    expect(res).toEqual({ posted: ['#alerts', '#team'], failed: [], skipped: [] });
    expect(t.posts.map((p) => p.channel)).toEqual(['#alerts', '#team']);
    expect(t.posts[0]).toMatchObject({ since: SINCE, until: PERIOD, total: 2 });
    expect(t.posts[0]!.groups.map((g) => g.commonLabels.alertname)).toEqual([
      'DiskAlmostFull',
      'CertExpiring',
    ]);
    expect(t.entries).toEqual([
      {
        actor: 'mogo',
        action: 'digest.posted',
        subject: 'channel:#alerts',
        details: {
          periodStart: PERIOD.toISOString(),
          since: SINCE.toISOString(),
          count: 2,
          groupIds: alertsChannel().groups.map((g) => g.id),
          ts: '1.0',
        },
      },
      expect.objectContaining({ action: 'digest.posted', subject: 'channel:#team' }),
    ]);
    expect(t.digests.claims.get(`#alerts@${PERIOD.toISOString()}`)).toEqual({ ts: '1.0' });
  });

  it('posts nothing when nothing changed', async () => {
    const t = setup([]);
    expect(await postDigest(t.deps, PERIOD)).toEqual({ posted: [], failed: [], skipped: [] });
    expect(t.posts).toHaveLength(0);
    expect(t.entries).toHaveLength(0);
  });

  it('leaves a (channel, period) already claimed (another replica) alone', async () => {
    const t = setup([alertsChannel()]);
    await postDigest(t.deps, PERIOD);

    const again = await postDigest(t.deps, PERIOD);

    expect(again).toEqual({ posted: [], failed: [], skipped: ['#alerts'] });
    expect(t.posts).toHaveLength(1);
  });

  it('a Slack failure is logged, audited as digest.failed and released, so a retry posts it', async () => {
    let down = true;
    const t = setup([alertsChannel(), otherChannel()], (channel) =>
      down && channel === '#alerts' ? new AppError('SLACK_NOT_IN_CHANNEL', 'not_in_channel') : undefined,
    );

    const res = await postDigest(t.deps, PERIOD);

    expect(res).toEqual({ posted: ['#team'], failed: ['#alerts'], skipped: [] });
    expect(t.entries[0]).toEqual({
      actor: 'mogo',
      action: 'digest.failed',
      subject: 'channel:#alerts',
      details: expect.objectContaining({ error: 'SLACK_NOT_IN_CHANNEL', count: 2 }),
    });
    expect(t.logs).toContainEqual(
      expect.objectContaining({
        level: 50,
        channel: '#alerts',
        msg: expect.stringContaining('digest failed'),
      }),
    );
    expect(t.digests.claims.has(`#alerts@${PERIOD.toISOString()}`)).toBe(false);

    down = false;
    const retry = await postDigest(t.deps, PERIOD);
    expect(retry).toEqual({ posted: ['#alerts'], failed: [], skipped: ['#team'] });
    expect(t.posts.map((p) => p.channel)).toEqual(['#team', '#alerts']);
  });
});
