import { sampleAlert, sampleGroup } from '../../../test/fakes/alert-group';
import type { Priority } from '../../domain/alert';
import type { AlertGroup } from '../../domain/group';
import type { Rollup } from '../../ports';
import { age, renderRollup, rollupLine } from './rollup';

const now = new Date('2026-12-04T12:00:00.000Z');

function group(name: string, priority: Priority, over: Partial<AlertGroup> = {}): AlertGroup {
  const key = `{}:{alertname="Storm", group="${name}"}`;
  return sampleGroup(key, {
    groupLabels: { alertname: 'Storm', group: name },
    commonLabels: { alertname: 'Storm', group: name },
    routing: { priority, score: 10, channel: '#storm', mentions: [], notify: true, matched: [] },
    createdAt: '2026-12-04T11:55:00.000Z',
    ...over,
  });
}

const rollup = (members: AlertGroup[]): Rollup => ({
  id: 'r1',
  channel: '#storm',
  ref: null,
  version: 1,
  renderedVersion: 0,
  openedAt: now,
  closedAt: null,
  members,
});

const texts = (blocks: Record<string, unknown>[]) => JSON.stringify(blocks);

describe('renderRollup', () => {
  test('a line per group: priority, name, counts, age, who acknowledged; most pressing first', () => {
    const acked = group('b', 'P2', { ack: { by: 'U1', at: now.toISOString() } });
    const resolved = group('c', 'P2', { status: 'resolved', alerts: [sampleAlert('x', 'resolved')] });
    const many = group('d', 'P3', {
      alerts: [sampleAlert('1'), sampleAlert('2'), sampleAlert('3', 'resolved')],
    });
    const m = renderRollup(rollup([resolved, many, acked, group('a', 'P2')]), now);
    const body = texts(m.blocks.slice(2)); // the lines, not the menu
    const order = ['group=a', 'group=b', 'group=d', 'group=c'].map((g) => body.indexOf(g));
    expect(order).toEqual([...order].sort((x, y) => x - y));
    expect(rollupLine(many, now)).toContain('2 firing · 1 resolved — 5m');
    expect(rollupLine(acked, now)).toContain('ack <@U1>');
    expect(m.text).toBe('Alert storm in #storm: 4 groups, 3 firing');
  });

  test('the Acknowledge… menu lists the firing groups not yet acknowledged', () => {
    const m = renderRollup(rollup([group('a', 'P2'), group('b', 'P3', { ack: { by: 'U1', at: '' } })]), now);
    const menu = (m.blocks[1] as { accessory: { action_id: string; options: { value: string }[] } })
      .accessory;
    expect(menu.action_id).toBe('mogo_rollup_ack');
    expect(menu.options.map((o) => o.value)).toEqual([group('a', 'P2').id]);
  });

  test('2,000 groups stay inside Block Kit limits; the rest is counted', () => {
    const members = Array.from({ length: 2000 }, (_, i) => group(`g${i}`, 'P3'));
    const m = renderRollup(rollup(members), now);
    expect(m.blocks.length).toBeLessThanOrEqual(50);
    for (const b of m.blocks) {
      const t = (b as { text?: { text: string } }).text?.text ?? '';
      expect(t.length).toBeLessThanOrEqual(3000);
    }
    const options = (m.blocks[1] as { accessory: { options: unknown[] } }).accessory.options;
    expect(options.length).toBeLessThanOrEqual(100);
    const shown = (texts(m.blocks.slice(2)).match(/group=g\d+/g) ?? []).length;
    expect(shown).toBeGreaterThanOrEqual(200); // a 200-group storm fits whole
    expect(texts(m.blocks)).toContain(`…and ${2000 - shown} more groups`);
  });

  test('ages read like people write them', () => {
    expect(age('2026-12-04T11:59:30.000Z', now)).toBe('0m');
    expect(age('2026-12-04T10:55:00.000Z', now)).toBe('1h 5m');
    expect(age('2026-12-01T12:00:00.000Z', now)).toBe('3d');
  });
  test('offers Declare incident for the storm while something fires (one incident for all its groups)', () => {
    const firing = renderRollup(rollup([group('a', 'P2')]), now);
    expect(texts(firing.blocks)).toContain('"action_id":"mogo_incident_declare"');
    expect(texts(firing.blocks)).toContain('"value":"rollup:r1"');
    const over = renderRollup(
      rollup([group('c', 'P2', { status: 'resolved', alerts: [sampleAlert('x', 'resolved')] })]),
      now,
    );
    expect(texts(over.blocks)).not.toContain('mogo_incident_declare');
  });
});
