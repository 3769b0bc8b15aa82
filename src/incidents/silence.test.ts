import { sampleAlert, sampleGroup } from '../../test/fakes/alert-group';
import { createStaticDirectory } from '../../test/fakes/directory';
import { openPglite } from '../../test/helpers/services';
import { AppError } from '../errors';
import { createLogger } from '../logger';
import type { NewSilence, SilenceStore, Silences } from '../ports';
import { RoleSchema } from '../rollback/config-schema';
import type { RuleSet } from '../rules';
import type { Db } from '../store/db';
import { createSqlSilenceStore } from '../store/sql-silence-store';
import { groupMatchers, parseSilenceDuration, type SilenceDeps, silenceGroup, unsilence } from './silence';

const group = sampleGroup('{}:{alertname="HighLatency"}', {
  alerts: [sampleAlert('fp1'), sampleAlert('fp2')],
});
const alice = { id: 'UALICE', name: 'alice' };

let db: Db;
let records: SilenceStore;
beforeAll(async () => {
  db = await openPglite();
  records = createSqlSilenceStore(db);
});
afterAll(() => db?.close());
beforeEach(() => db.query('TRUNCATE silences'));

function setup(opts: { roles?: unknown[]; failCreate?: AppError; failRecord?: boolean } = {}) {
  const created: NewSilence[] = [];
  const expired: string[] = [];
  const api: Silences = {
    async create(s) {
      if (opts.failCreate) throw opts.failCreate;
      created.push(s);
      return { id: `am-${created.length}` };
    },
    async expire(id) {
      expired.push(id);
      return 'expired';
    },
    get: async () => null,
    alerts: async () => [],
  };
  // the embedded adapter itself (its contract suite runs in test/contract), failing on demand
  const store: SilenceStore = opts.failRecord
    ? {
        ...records,
        record: async () => {
          throw new AppError('STORE_UNAVAILABLE', 'db down');
        },
      }
    : records;
  const roles = (opts.roles ?? []).map((r) => RoleSchema.parse(r));
  const deps: SilenceDeps = {
    alerts: { getGroup: async (id) => (id === group.id ? group : null) },
    silences: api,
    records: store,
    rules: { current: () => ({ roles }) as unknown as RuleSet },
    directory: createStaticDirectory({ SSRE: ['UBOB'] }),
    clock: { now: () => new Date('2026-05-01T09:00:00Z') },
    logger: createLogger('silent'),
  };
  return { deps, created, expired };
}

describe('silencing', () => {
  it('reads durations like 90m, 2h, 1d, 1h30m; refuses nonsense and extremes', () => {
    expect(parseSilenceDuration('90m')).toBe(90 * 60_000);
    expect(parseSilenceDuration('1D')).toBe(86_400_000);
    expect(parseSilenceDuration('1h30m')).toBe(90 * 60_000);
    expect(parseSilenceDuration('soon')).toEqual({ problem: 'not_a_duration', text: 'soon' });
    expect(parseSilenceDuration('30s')).toEqual({ problem: 'too_short' });
    expect(parseSilenceDuration('60d')).toEqual({ problem: 'too_long' });
  });

  it('a group is silenced by the labels all its firing alerts share; one alert by all its labels', async () => {
    expect(groupMatchers(group).map((m) => m.name)).toEqual(['alertname']); // severity is not on every alert
    const { deps, created } = setup();
    const out = await silenceGroup(deps, {
      groupId: group.id,
      user: alice,
      duration: '2h',
      comment: '',
      fingerprint: 'fp2',
    });
    expect(out).toMatchObject({
      kind: 'silenced',
      record: { scope: 'alert', fingerprint: 'fp2', createdBy: 'UALICE' },
    });
    expect(created[0]).toMatchObject({
      createdBy: 'alice (UALICE)',
      comment: 'Silenced from Slack',
      endsAt: new Date('2026-05-01T11:00:00Z'),
    });
    expect(created[0]!.matchers.map((m) => `${m.name}=${m.value}`)).toEqual([
      'alertname=HighLatency',
      'fingerprint=fp2',
    ]);
  });

  it('when roles declare `silence`, only their members may silence or unsilence', async () => {
    const roles = [{ name: 'sre', usergroups: ['SSRE'], permissions: [{ action: 'silence' }] }];
    const { deps, created } = setup({ roles });
    const denied = await silenceGroup(deps, { groupId: group.id, user: alice, duration: '1h', comment: '' });
    expect(denied).toEqual({
      kind: 'denied',
      denial: { reason: 'not_a_member', action: { kind: 'silence' }, roles: ['sre'] },
    });
    expect(created).toEqual([]);
    const bob = { id: 'UBOB', name: 'bob' };
    expect(
      (await silenceGroup(deps, { groupId: group.id, user: bob, duration: '1h', comment: '' })).kind,
    ).toBe('silenced');
    expect((await unsilence(deps, { groupId: group.id, user: alice })).kind).toBe('denied');
    expect((await unsilence(deps, { groupId: group.id, user: bob })).kind).toBe('unsilenced');
  });

  it('Alertmanager refusing is an outcome in its words, and nothing is recorded', async () => {
    const failCreate = new AppError(
      'ALERTMANAGER_REJECTED',
      'Alertmanager refused to create the silence: bad matcher.',
    );
    const { deps } = setup({ failCreate });
    expect(await silenceGroup(deps, { groupId: group.id, user: alice, duration: '1h', comment: '' })).toEqual(
      {
        kind: 'alertmanager_failed',
        code: 'ALERTMANAGER_REJECTED',
        message: 'Alertmanager refused to create the silence: bad matcher.',
      },
    );
    expect(await records.activeForGroup(group.id)).toEqual([]);
  });

  it('a silence that cannot be recorded is expired again in Alertmanager (nothing half-done)', async () => {
    const { deps, expired } = setup({ failRecord: true });
    await expect(
      silenceGroup(deps, { groupId: group.id, user: alice, duration: '1h', comment: '' }),
    ).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(expired).toEqual(['am-1']);
  });
});
