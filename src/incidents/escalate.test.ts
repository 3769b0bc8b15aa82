import { createMemoryEscalationStore } from '../../test/fakes/memory-escalations';
import type { AlertGroup } from '../domain/group';
import { createLogger } from '../logger';
import type { EscalationEvent, MessageRef, Placement } from '../ports';
import { compileRules } from '../rules';
import { escalateGroups } from './escalate';

const RULES = `version: 1
defaults:
  escalation:
    P2: {after: 10m, chain: ["oncall:db"]}
rules:
  - name: quiet-batch
    match: ['job="batch"']
    weight: 60
    escalation: {remind_after: 1h}
  - name: db
    match: ['service="db"']
    weight: 60
rotations:
  - {team: db, members: [UDBA], rotation: weekly, time_zone: UTC, start: "2020-01-06"}
`;

const T0 = Date.parse('2026-05-01T12:00:00Z');
const MIN = 60_000;

function group(id: string, rule: string, extra: Partial<AlertGroup> = {}): AlertGroup {
  return {
    id,
    groupKey: id,
    receiver: 'r',
    status: 'firing',
    groupLabels: {},
    commonLabels: { alertname: `A-${id}` },
    commonAnnotations: {},
    externalURL: '',
    truncatedAlerts: 0,
    alerts: [],
    routing: {
      priority: 'P2',
      score: 60,
      channel: '#a',
      mentions: [],
      notify: true,
      matched: [{ rule, weight: 60 }],
    },
    ack: null,
    version: 1,
    createdAt: new Date(T0).toISOString(),
    updatedAt: new Date(T0).toISOString(),
    ...extra,
  };
}

function setup(groups: AlertGroup[], placements: Record<string, Placement>, failFirst = false) {
  const compiled = compileRules([{ path: 'r.yml', content: RULES }]);
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
  const told: { ref: MessageRef; event: EscalationEvent }[] = [];
  const audit: { action: string; subject: string }[] = [];
  let fail = failFirst;
  const steps = createMemoryEscalationStore();
  const deps = {
    alerts: {
      listGroups: async () => groups,
      getGroupToShow: async (id: string) => groups.find((g) => g.id === id) ?? null,
    },
    placements: {
      get: async (id: string) => placements[id] ?? null,
      getRollup: async (id: string) =>
        id === 'R1'
          ? {
              id,
              channel: '#a',
              ref: { channel: 'C1', ts: 'rollup.1' },
              version: 1,
              renderedVersion: 1,
              openedAt: new Date(T0),
              closedAt: null,
              members: [],
            }
          : null,
    },
    steps,
    notifier: {
      async notify(ref: MessageRef, event: EscalationEvent) {
        if (fail) {
          fail = false;
          throw new Error('slack down');
        }
        told.push({ ref, event });
      },
    },
    audit: {
      append: (e: { action: string; subject: string }) => void audit.push(e),
      flush: async () => {},
      list: async () => [],
    },
    rules: { current: () => compiled.ruleSet },
    logger: createLogger('silent'),
  };
  return { deps, told, audit };
}

describe('escalateGroups', () => {
  it('a rolled-up group escalates in the thread of its roll-up message, pinging the named team’s on-call', async () => {
    const { deps, told, audit } = setup([group('g1', 'db')], {
      g1: { kind: 'rollup', rollupId: 'R1', closed: false },
    });
    expect(await escalateGroups(deps, new Date(T0 + 9 * MIN))).toEqual({
      escalated: 0,
      reminded: 0,
      failed: 0,
    });
    expect(await escalateGroups(deps, new Date(T0 + 10 * MIN))).toEqual({
      escalated: 1,
      reminded: 0,
      failed: 0,
    });
    expect(told).toEqual([
      {
        ref: { channel: 'C1', ts: 'rollup.1' },
        event: expect.objectContaining({ kind: 'escalated', step: 1, steps: 1, mention: '<@UDBA>' }),
      },
    ]);
    expect(audit).toEqual([expect.objectContaining({ action: 'alert.escalated', subject: 'group:g1' })]);
    // a one-step chain is over after its step
    expect(await escalateGroups(deps, new Date(T0 + 60 * MIN))).toEqual({
      escalated: 0,
      reminded: 0,
      failed: 0,
    });
  });

  it('a rule’s escalation replaces the default (here: reminders only); groups not shown in Slack are left for later', async () => {
    const acked = group('g2', 'quiet-batch', { ack: { by: 'UOPS', at: new Date(T0).toISOString() } });
    const unacked = group('g3', 'quiet-batch');
    const unplaced = group('g4', 'db');
    const { deps, told } = setup([acked, unacked, unplaced], {
      g2: { kind: 'message', ref: { channel: 'C2', ts: '2.0' }, renderedVersion: 1 },
      g3: { kind: 'message', ref: { channel: 'C2', ts: '3.0' }, renderedVersion: 1 },
      g4: { kind: 'claimed' },
    });
    expect(await escalateGroups(deps, new Date(T0 + 61 * MIN))).toEqual({
      escalated: 0,
      reminded: 1,
      failed: 0,
    });
    expect(told.map((t) => t.ref.ts)).toEqual(['2.0']);
  });

  it('a group that resolved and fires again starts its chain over, from its firing alerts’ start', async () => {
    const refired = group('g6', 'db', {
      alerts: [
        {
          fingerprint: 'f',
          status: 'firing',
          labels: {},
          annotations: {},
          startsAt: new Date(T0 + 60 * MIN).toISOString(),
          endsAt: null,
          generatorURL: '',
        },
      ],
    });
    const { deps, told } = setup([refired], {
      g6: { kind: 'message', ref: { channel: 'C6', ts: '6.0' }, renderedVersion: 1 },
    });
    expect((await escalateGroups(deps, new Date(T0 + 65 * MIN))).escalated).toBe(0);
    expect((await escalateGroups(deps, new Date(T0 + 70 * MIN))).escalated).toBe(1);
    expect(told[0]!.event).toMatchObject({ kind: 'escalated', unacknowledgedMs: 10 * MIN });
  });

  it('a step that could not be told is given back and told on the next run', async () => {
    const { deps, told } = setup(
      [group('g5', 'db')],
      { g5: { kind: 'message', ref: { channel: 'C5', ts: '5.0' }, renderedVersion: 1 } },
      true,
    );
    expect(await escalateGroups(deps, new Date(T0 + 10 * MIN))).toEqual({
      escalated: 0,
      reminded: 0,
      failed: 1,
    });
    // given back: the next run claims and tells it
    expect(await escalateGroups(deps, new Date(T0 + 11 * MIN))).toEqual({
      escalated: 1,
      reminded: 0,
      failed: 0,
    });
    expect(told).toHaveLength(1);
  });
});
