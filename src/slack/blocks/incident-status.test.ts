import type { GroupSummary } from '../../incidents/open-groups';
import { renderIncidentList } from './incident-status';

const group = (id: string, firing: number): GroupSummary => ({
  id,
  shortId: id,
  name: 'DiskFull',
  summary: null,
  priority: 'P2',
  channel: '#alerts',
  rollbackTarget: null,
  firing,
  resolved: 0,
  labels: { alertname: 'DiskFull' },
  ack: null,
  silencedUntil: null,
  createdAt: '2024-05-01T10:00:00.000Z',
  generatorURL: null,
  runbookURL: null,
});
const now = new Date('2024-05-01T10:30:00.000Z');
const said = (m: { text: string; blocks: unknown[] }) => `${m.text} ${JSON.stringify(m.blocks)}`;

describe('renderIncidentList', () => {
  it('says how many firing alerts of a group found through its alerts match', () => {
    const message = renderIncidentList(
      {
        matches: [
          { group: group('aaa111', 4), by: 'labels' },
          { group: group('bbb222', 50), by: 'alerts', matching: 3, complete: true },
        ],
        cutShort: null,
      },
      now,
      '`instance="db-3"`',
    );
    expect(message.text).toBe('2 open alert groups matching `instance="db-3"`');
    expect(said(message)).toContain('`aaa111` *DiskFull* · 4 firing · for 30m');
    expect(said(message)).toContain('`bbb222` *DiskFull* · 3 of 50 firing match · for 30m');
    expect(said(message)).not.toContain('cut short');
  });

  it('a search stopped at its limit says so, found something or not', () => {
    const cutShort = { examined: 20_000, groupsLeft: 7 };
    const some = renderIncidentList(
      { matches: [{ group: group('bbb222', 10_000), by: 'alerts', matching: 2, complete: false }], cutShort },
      now,
      '`pod=~"api-.*"`',
    );
    expect(some.text).toBe('1 open alert group matching `pod=~"api-.*"` (search cut short)');
    expect(said(some)).toContain('at least 2 of 10000 firing match');
    expect(said(some)).toContain(
      'Search cut short after reading 20,000 firing alerts: the alerts of 7 groups were not all searched',
    );
    const none = renderIncidentList({ matches: [], cutShort }, now, '`pod="x"`');
    expect(none.text).toBe('No open alert groups matching `pod="x"` (search cut short)');
    expect(none.blocks.at(-1)).toMatchObject({ type: 'context' });
  });
});
