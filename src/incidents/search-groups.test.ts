import type { Priority } from '../domain/alert';
import type { AlertStore } from '../ports';
import { type Matcher, parseMatchers } from '../rules/matcher';
import type { GroupSummary } from './open-groups';
import { alertsMayMatch, searchOpenGroups } from './search-groups';

const m = (text: string): Matcher[] => {
  const parsed = parseMatchers(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.matchers;
};

function summary(id: string, labels: Record<string, string>, firing: number, priority: Priority = 'P2') {
  return {
    id,
    shortId: id.slice(0, 6),
    name: id,
    summary: null,
    priority,
    channel: '#alerts',
    rollbackTarget: null,
    firing,
    resolved: 0,
    labels,
    ack: null,
    silencedUntil: null,
    createdAt: '2024-05-01T10:00:00.000Z',
    generatorURL: null,
    runbookURL: null,
  } satisfies GroupSummary;
}

/** firingAlertLabels over groups held in memory, recording every read. */
function fakeAlerts(byGroup: Record<string, Record<string, string>[]>) {
  const reads: { groupId: string; after: number | null; limit: number }[] = [];
  const alerts: Pick<AlertStore, 'firingAlertLabels'> = {
    async firingAlertLabels(groupId, after, limit) {
      reads.push({ groupId, after, limit });
      const all = byGroup[groupId] ?? [];
      const from = after === null ? 0 : after + 1;
      const labels = all.slice(from, from + limit);
      return { labels, next: labels.length === limit ? from + limit - 1 : null };
    },
  };
  return { alerts, reads };
}

const db = (instance: string, severity = 'warning') => ({ alertname: 'Down', instance, severity });

describe('searchOpenGroups: which open groups /incident list finds', () => {
  it('a group whose shared labels match is found without reading its alerts', async () => {
    const { alerts, reads } = fakeAlerts({ g1: [db('db-1'), db('db-2')] });
    const found = await searchOpenGroups(
      alerts,
      [summary('g1', { alertname: 'Down' }, 2)],
      m('alertname="Down"'),
    );
    expect(found).toEqual({
      matches: [{ group: expect.objectContaining({ id: 'g1' }), by: 'labels' }],
      cutShort: null,
    });
    expect(reads).toEqual([]);
  });

  it('a group is found when one firing alert matches every matcher, with how many do', async () => {
    const { alerts } = fakeAlerts({
      g1: [db('db-1'), db('db-3:9100'), db('db-2')],
      g2: [db('db-4'), db('db-5')],
    });
    const open = [summary('g1', { alertname: 'Down' }, 3), summary('g2', { alertname: 'Down' }, 2)];
    const found = await searchOpenGroups(alerts, open, m('instance="db-3:9100"'));
    expect(found.matches).toEqual([
      { group: expect.objectContaining({ id: 'g1' }), by: 'alerts', matching: 1, complete: true },
    ]);
    const regex = await searchOpenGroups(alerts, open, m('instance=~"db-[13].*"'));
    expect(regex.matches).toEqual([expect.objectContaining({ matching: 2 })]);
  });

  it('never combines matchers across alerts: one alert must satisfy them all', async () => {
    const { alerts } = fakeAlerts({ g1: [db('db-1', 'critical'), db('db-2', 'warning')] });
    const open = [summary('g1', { alertname: 'Down' }, 2)];
    // instance="db-2" holds on alert 2 only, severity="critical" on alert 1 only
    expect((await searchOpenGroups(alerts, open, m('instance="db-2", severity="critical"'))).matches).toEqual(
      [],
    );
    expect((await searchOpenGroups(alerts, open, m('instance="db-1", severity="critical"'))).matches).toEqual(
      [expect.objectContaining({ by: 'alerts', matching: 1 })],
    );
  });

  it('skips reading a group its shared labels rule out, and groups with nothing firing', async () => {
    const { alerts, reads } = fakeAlerts({ g1: [db('db-1')], g2: [db('db-1')], g3: [] });
    const open = [
      summary('g1', { alertname: 'Down' }, 1),
      summary('g2', { alertname: 'Other' }, 1),
      summary('g3', { alertname: 'Down' }, 0),
    ];
    await searchOpenGroups(alerts, open, m('alertname="Down", instance="db-1"'));
    expect(reads.map((r) => r.groupId)).toEqual(['g1']);
    expect(alertsMayMatch(m('alertname="Down", instance="x"'), { alertname: 'Other' })).toBe(false);
    expect(alertsMayMatch(m('alertname="Down", instance="x"'), { alertname: 'Down' })).toBe(true);
    expect(alertsMayMatch(m('alertname!="Other"'), {})).toBe(true);
  });

  it('reads page by page and stops at the limit, most pressing group first, saying it was cut short', async () => {
    const many = Array.from({ length: 25 }, (_, i) => db(`db-${i}`));
    const { alerts, reads } = fakeAlerts({ low: many, high: many, other: many });
    const open = [
      summary('low', { alertname: 'Down' }, 25, 'P4'),
      summary('high', { alertname: 'Down' }, 25, 'P1'),
      summary('other', { alertname: 'Down' }, 25, 'P3'),
    ];
    const found = await searchOpenGroups(alerts, open, m('instance=~"db-(1|24)"'), {
      maxExamined: 40,
      page: 10,
    });
    expect(reads.map((r) => [r.groupId, r.limit])).toEqual([
      ['high', 10],
      ['high', 10],
      ['high', 10],
      ['other', 10],
      ['other', 5],
    ]);
    expect(found.matches).toEqual([
      expect.objectContaining({
        group: expect.objectContaining({ id: 'high' }),
        matching: 2,
        complete: true,
      }),
      expect.objectContaining({
        group: expect.objectContaining({ id: 'other' }),
        matching: 1,
        complete: false,
      }),
    ]);
    expect(found.cutShort).toEqual({ examined: 40, groupsLeft: 2 });
  });

  it('lets the event loop run between groups', async () => {
    const { alerts } = fakeAlerts({ g1: [db('x')], g2: [db('x')], g3: [db('x')] });
    const open = ['g1', 'g2', 'g3'].map((id) => summary(id, {}, 1));
    let waiting = true;
    setImmediate(() => {
      waiting = false;
    });
    const seen: boolean[] = [];
    const watched = {
      firingAlertLabels: (...args: Parameters<typeof alerts.firingAlertLabels>) => {
        seen.push(waiting);
        return alerts.firingAlertLabels(...args);
      },
    };
    await searchOpenGroups(watched, open, m('instance="db"'));
    // the reads resolve at once; only a turn of the loop between groups lets the waiting callback run
    expect(seen).toEqual([true, false, false]);
  });
});
