import { sampleGroup } from '../../test/fakes/alert-group';
import { manualClock } from '../../test/fakes/clock';
import { openPglite } from '../../test/helpers/services';
import type { AlertGroup } from '../domain/group';
import { AppError } from '../errors';
import { createLogger } from '../logger';
import type { AlertStore, AuditEntry, Digest, DigestPublisher, DigestStore, MessageRef } from '../ports';
import type { Db } from '../store/db';
import { createSqlAlertStore } from '../store/sql-alert-store';
import { createSqlAuditLog, type SqlAuditLog } from '../store/sql-audit-log';
import { createSqlDigestStore } from '../store/sql-digest-store';
import { postDigest } from './post-digest';

const PERIOD = new Date('2026-05-02T09:00:00.000Z');
const SINCE = new Date('2026-05-01T09:00:00.000Z');

const digestOnly = (name: string, channel = '#alerts'): AlertGroup =>
  sampleGroup(`{}:{alertname="${name}"}`, {
    commonLabels: { alertname: name },
    routing: { priority: 'P4', score: 10, channel, mentions: [], notify: false, matched: [] },
  });

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

describe('postDigest (digest store on PGlite)', () => {
  let db: Db;
  let alerts: AlertStore;
  let digests: DigestStore;
  let audit: SqlAuditLog;
  const clock = manualClock(SINCE);

  beforeAll(async () => {
    db = await openPglite();
    alerts = createSqlAlertStore(db, clock);
    digests = createSqlDigestStore(db, clock);
    audit = createSqlAuditLog(db, { flushIntervalMs: 5, onError: () => {} });
  });
  afterAll(async () => {
    await audit.close();
    await db.close();
  });

  /** Records the digest-only groups, the first changed first, an hour apart after SINCE. */
  async function record(...groups: AlertGroup[]) {
    await db.query('TRUNCATE digests, outbox, group_messages, rollups, alert_groups');
    clock.advance(SINCE.getTime() - clock.now().getTime());
    for (const g of groups) {
      clock.advance(3600_000);
      await alerts.mutateGroup(g.groupKey, () => ({ next: g, audit: [] }));
    }
    clock.advance(PERIOD.getTime() - clock.now().getTime());
  }

  /** The audit rows written from now on, oldest first (the log is append-only, so earlier tests' rows stay). */
  async function auditFromNow() {
    await audit.flush();
    const before = new Set((await audit.list({ limit: 1000 })).map((r) => r.id));
    return async (): Promise<AuditEntry[]> => {
      await audit.flush();
      const rows = (await audit.list({ limit: 1000 })).filter((r) => !before.has(r.id)).reverse();
      return rows.map(({ actor, action, subject, details }) => ({ actor, action, subject, details }));
    };
  }

  async function setup(fail?: (channel: string) => Error | undefined) {
    const { publisher, posts } = fakePublisher(fail);
    const entries = await auditFromNow();
    const logs: Record<string, unknown>[] = [];
    const logger = createLogger('debug', { write: (line: string) => void logs.push(JSON.parse(line)) });
    return { deps: { digests, publisher, audit, logger }, posts, entries, logs };
  }
  const tsOf = async (channel: string) =>
    (await db.query<{ ts: string | null }>('SELECT ts FROM digests WHERE channel = $1', [channel])).rows[0];
  // most recently changed first within a priority: DiskAlmostFull was recorded after CertExpiring
  const alertsChannel = [digestOnly('CertExpiring'), digestOnly('DiskAlmostFull')];
  const otherChannel = [digestOnly('QueueSlow', '#team')];
  const ids = (groups: AlertGroup[]) => groups.map((g) => g.id).reverse();

  it('posts one digest per channel and audits each as digest.posted', async () => {
    await record(...alertsChannel, ...otherChannel);
    const t = await setup();

    const res = await postDigest(t.deps, PERIOD);

    expect(res).toEqual({ posted: ['#alerts', '#team'], failed: [], skipped: [] });
    expect(t.posts.map((p) => p.channel)).toEqual(['#alerts', '#team']);
    expect(t.posts[0]).toMatchObject({ since: SINCE, until: PERIOD, total: 2 });
    expect(t.posts[0]!.groups.map((g) => g.commonLabels.alertname)).toEqual([
      'DiskAlmostFull',
      'CertExpiring',
    ]);
    expect(await t.entries()).toEqual([
      {
        actor: 'mogo',
        action: 'digest.posted',
        subject: 'channel:#alerts',
        details: {
          periodStart: PERIOD.toISOString(),
          since: SINCE.toISOString(),
          count: 2,
          groupIds: ids(alertsChannel),
          ts: '1.0',
        },
      },
      expect.objectContaining({ action: 'digest.posted', subject: 'channel:#team' }),
    ]);
    expect(await tsOf('#alerts')).toEqual({ ts: '1.0' });
  });

  it('posts nothing when nothing changed', async () => {
    await record();
    const t = await setup();
    expect(await postDigest(t.deps, PERIOD)).toEqual({ posted: [], failed: [], skipped: [] });
    expect(t.posts).toHaveLength(0);
    expect(await t.entries()).toHaveLength(0);
  });

  it('leaves a (channel, period) already claimed (another replica) alone', async () => {
    await record(...alertsChannel);
    const t = await setup();
    await postDigest(t.deps, PERIOD);

    const again = await postDigest(t.deps, PERIOD);

    expect(again).toEqual({ posted: [], failed: [], skipped: ['#alerts'] });
    expect(t.posts).toHaveLength(1);
  });

  it('a Slack failure is logged, audited as digest.failed and released, so a retry posts it', async () => {
    let down = true;
    await record(...alertsChannel, ...otherChannel);
    const t = await setup((channel) =>
      down && channel === '#alerts' ? new AppError('SLACK_NOT_IN_CHANNEL', 'not_in_channel') : undefined,
    );

    const res = await postDigest(t.deps, PERIOD);

    expect(res).toEqual({ posted: ['#team'], failed: ['#alerts'], skipped: [] });
    expect((await t.entries())[0]).toEqual({
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
    expect(await tsOf('#alerts')).toBeUndefined();

    down = false;
    const retry = await postDigest(t.deps, PERIOD);
    expect(retry).toEqual({ posted: ['#alerts'], failed: [], skipped: ['#team'] });
    expect(t.posts.map((p) => p.channel)).toEqual(['#team', '#alerts']);
  });
});
