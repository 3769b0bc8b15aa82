import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Alert, Routing } from '../../domain/alert';
import { type AlertGroup, groupIdOf } from '../../domain/group';
import { ACTION_IDS } from './action-ids';
import { type RenderOptions, renderAlertGroup } from './alert-group';

type Block = Record<string, any>;

const FIXTURE = join(__dirname, '../../../test/fixtures/alertmanager/firing-3-alerts.json');

const ROUTING: Routing = {
  priority: 'P1',
  score: 130,
  channel: '#alerts',
  mentions: ['<@UONCALL>', '<!subteam^SSRE>'],
  notify: true,
  matched: [
    { rule: 'severity-critical', weight: 100 },
    { rule: 'prod', weight: 30 },
  ],
};

function fixtureGroup(overrides: Partial<AlertGroup> = {}): AlertGroup {
  const n = JSON.parse(readFileSync(FIXTURE, 'utf8'));
  const alerts: Alert[] = n.alerts.map((a: Alert & { endsAt: string }) => ({
    ...a,
    endsAt: a.endsAt.startsWith('0001-') ? null : a.endsAt,
  }));
  return {
    id: groupIdOf(n.groupKey),
    groupKey: n.groupKey,
    receiver: n.receiver,
    status: n.status,
    groupLabels: n.groupLabels,
    commonLabels: n.commonLabels,
    commonAnnotations: n.commonAnnotations,
    externalURL: n.externalURL,
    truncatedAlerts: n.truncatedAlerts,
    alerts,
    routing: ROUTING,
    ack: null,
    version: 1,
    createdAt: '2026-11-23T23:14:30Z',
    updatedAt: '2026-11-23T23:14:30Z',
    ...overrides,
  };
}

function resolvedGroup(): AlertGroup {
  const g = fixtureGroup();
  const alerts = g.alerts.map((a) => ({ ...a, status: 'resolved' as const, endsAt: '2026-11-23T23:44:28Z' }));
  return { ...g, status: 'resolved', alerts };
}

/** Many alerts differing by instance, for the truncation tests. */
function manyAlerts(count: number, description = 'x'): AlertGroup {
  const g = fixtureGroup();
  const base = g.alerts[0]!;
  const alerts = Array.from({ length: count }, (_, i) => ({
    ...base,
    fingerprint: `fp${i}`,
    labels: { ...base.labels, instance: `api-${i}:8080` },
    annotations: { ...base.annotations, description: `${description} ${i}` },
  }));
  return { ...g, alerts };
}

const blocksOf = (g: AlertGroup, opts?: RenderOptions): Block[] => renderAlertGroup(g, opts).blocks;
const textsOf = (blocks: Block[]): string[] =>
  blocks.flatMap((b) => [b.text?.text, ...(b.elements ?? []).map((e: Block) => e.text?.text ?? e.text)]);
const alertSections = (blocks: Block[]): string[] =>
  blocks
    .filter(
      (b) => b.type === 'section' && /^:(fire|white_check_mark): \*(firing|resolved)\*/.test(b.text.text),
    )
    .map((b) => b.text.text);
const actionsOf = (blocks: Block[]): Block | undefined => blocks.find((b) => b.type === 'actions');
const buttonOf = (blocks: Block[], actionId: string): Block | undefined =>
  actionsOf(blocks)?.elements.find((e: Block) => e.action_id === actionId);

describe('renderAlertGroup', () => {
  it('heads a firing group with priority, alertname, summary and counts', () => {
    const blocks = blocksOf(fixtureGroup());

    expect(blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: ':red_circle: P1 FIRING · HighLatency', emoji: true },
    });
    expect(blocks[1]!.text.text).toContain('*HighLatency*: p99 latency above 2s on api-1:8080');
    expect(blocks[1]!.text.text).toContain('*FIRING* · firing 3 · resolved 0');
  });

  it('explains the priority with the score and every matched rule', () => {
    const blocks = blocksOf(fixtureGroup());

    expect(blocks[2]).toEqual({
      type: 'context',
      elements: [
        { type: 'mrkdwn', text: 'P1 · score 130 · severity-critical (+100), prod (+30)', verbatim: true },
        { type: 'mrkdwn', text: `id \`${fixtureGroup().id.slice(0, 6)}\``, verbatim: true },
      ],
    });
  });

  it('lists each alert with only its distinguishing labels, its own summary and start time', () => {
    const lines = alertSections(blocksOf(fixtureGroup()));

    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(
      ':fire: *firing* · `instance=api-1:8080` `severity=critical` · ' +
        'since <!date^1795475668^{date_short_pretty} {time}|2026-11-23 23:14 UTC>\n' +
        'p99 latency above 2s on api-1:8080',
    );
    expect(lines[2]).toContain('`instance=api-3:8080` `severity=warning`');
    for (const line of lines) expect(line).not.toMatch(/cluster=|job=|alertname=/);
  });

  it('shows a shared description once and a per-alert description on each alert', () => {
    const shared = fixtureGroup({ commonAnnotations: { description: 'All api pods are slow' } });
    const own = fixtureGroup();
    own.alerts[1] = { ...own.alerts[1]!, annotations: { description: 'GC pauses on api-2' } };

    expect(blocksOf(shared)[1]!.text.text).toContain('All api pods are slow');
    expect(alertSections(blocksOf(shared)).join('\n')).not.toContain('All api pods are slow');
    expect(alertSections(blocksOf(own))[1]).toContain('\nGC pauses on api-2');
  });

  it('links the source, the runbook and a pre-filled Alertmanager silence', () => {
    const texts = textsOf(blocksOf(fixtureGroup())).join('\n');

    expect(texts).toContain(
      '<http://prometheus.example.test:9090/graph?g0.expr=histogram_quantile%280.99%2C+rate%28http_request_duration_seconds_bucket%5B5m%5D%29%29+%3E+2&amp;g0.tab=1|Source>',
    );
    expect(texts).toContain('<https://runbooks.example.test/HighLatency|Runbook>');
    expect(texts).toContain(
      '<http://alertmanager.example.test:9093/#/silences/new?filter=%7Balertname%3D%22HighLatency%22%2Ccluster%3D%22prod%22%7D|Silence>',
    );
  });

  it('offers no silence link or button without an externalURL', () => {
    const blocks = blocksOf(fixtureGroup({ externalURL: '' }));

    expect(textsOf(blocks).join('\n')).not.toContain('Silence');
    expect(buttonOf(blocks, ACTION_IDS.silence)).toBeUndefined();
  });

  it('puts Acknowledge and Silence in one actions block; no Rollback without a declared target', () => {
    const group = fixtureGroup();
    const blocks = blocksOf(group);

    expect(blocks.filter((b) => b.type === 'actions')).toHaveLength(1);
    expect(buttonOf(blocks, ACTION_IDS.ack)).toMatchObject({
      text: { type: 'plain_text', text: 'Acknowledge' },
      style: 'primary',
      value: group.id,
    });
    expect(buttonOf(blocks, ACTION_IDS.rollback)).toBeUndefined();
    expect(buttonOf(blocks, ACTION_IDS.silence)?.url).toMatch(
      /^http:\/\/alertmanager\.example\.test:9093\/#\/silences\/new\?filter=/,
    );
    const unavailable = blocksOf(group, { rollback: { available: false, latest: null } });
    expect(buttonOf(unavailable, ACTION_IDS.rollback)).toBeUndefined();
  });

  it('adds a danger Rollback button (the dialog comes from mogo, not a static confirm) when a target is declared', () => {
    const group = fixtureGroup();
    const blocks = blocksOf(group, { rollback: { available: true, latest: null } });

    expect(actionsOf(blocks)!.elements.map((e: Block) => e.action_id)).toEqual([
      ACTION_IDS.ack,
      ACTION_IDS.rollback,
      ACTION_IDS.silence,
    ]);
    expect(buttonOf(blocks, ACTION_IDS.rollback)).toEqual({
      type: 'button',
      action_id: ACTION_IDS.rollback,
      text: { type: 'plain_text', text: 'Rollback' },
      value: group.id,
      style: 'danger',
    });
  });

  it('turns Acknowledge into Unacknowledge and says who acknowledged, and when', () => {
    const blocks = blocksOf(fixtureGroup({ ack: { by: 'UALICE', at: '2026-11-23T23:20:00Z' } }));

    expect(buttonOf(blocks, ACTION_IDS.ack)).toBeUndefined();
    expect(buttonOf(blocks, ACTION_IDS.unack)).toMatchObject({ text: { text: 'Unacknowledge' } });
    expect(buttonOf(blocks, ACTION_IDS.unack)?.style).toBeUndefined();
    expect(textsOf(blocks).join('\n')).toContain(
      'Acknowledged by <@UALICE> at <!date^1795476000^{date_short_pretty} {time}|2026-11-23 23:20 UTC>',
    );
  });

  it('shows where the latest rollback request stands, and no Rollback button while one is under way', () => {
    const group = fixtureGroup();
    const latest = {
      id: 'req-1',
      groupId: group.id,
      target: 'api-prod',
      backend: 'webhook',
      environment: 'production',
      requestedBy: 'UBOB',
      approvedBy: null,
      cancelledBy: null,
      state: 'running' as const,
      requestedAt: new Date('2026-11-23T23:21:00Z'),
      updatedAt: new Date('2026-11-23T23:21:00Z'),
      expiresAt: null,
      startedAt: new Date('2026-11-23T23:21:00Z'),
      finishedAt: null,
      heartbeatAt: null,
      plan: null,
      summary: null,
      details: {},
    };
    const blocks = blocksOf(group, { rollback: { available: true, latest } });

    expect(textsOf(blocks).join('\n')).toContain('Rolling back *api-prod* for <@UBOB> since <!date^');
    expect(buttonOf(blocks, ACTION_IDS.rollback)).toBeUndefined();
  });

  it('renders a resolved group as RESOLVED, still listing what fired and who acknowledged', () => {
    const group = { ...resolvedGroup(), ack: { by: 'UALICE', at: '2026-11-23T23:20:00Z' } };
    const blocks = blocksOf(group);

    expect(blocks[0]!.text.text).toBe(':white_check_mark: P1 RESOLVED · HighLatency');
    expect(blocks[1]!.text.text).toContain('*RESOLVED* · firing 0 · resolved 3');
    expect(alertSections(blocks)).toHaveLength(3);
    expect(alertSections(blocks)[0]).toContain(':white_check_mark: *resolved* · `instance=api-1:8080`');
    expect(alertSections(blocks)[0]).toContain('ended <!date^1795477468^');
    expect(actionsOf(blocks)).toBeUndefined();
    expect(textsOf(blocks).join('\n')).toContain('Acknowledged by <@UALICE>');
  });

  it('lists firing alerts before resolved ones and counts both', () => {
    const group = fixtureGroup();
    group.alerts[0] = { ...group.alerts[0]!, status: 'resolved', endsAt: '2026-11-23T23:30:00Z' };
    const blocks = blocksOf(group);

    expect(blocks[1]!.text.text).toContain('firing 2 · resolved 1');
    expect(alertSections(blocks).map((l) => l.match(/instance=([^`]+)/)![1])).toEqual([
      'api-2:8080',
      'api-3:8080',
      'api-1:8080',
    ]);
    expect(renderAlertGroup(group).text).toContain('(2 firing, 1 resolved)');
  });

  it('lists at most maxAlerts (default 10) and says how many more, and what Alertmanager left out', () => {
    const group = { ...manyAlerts(25), truncatedAlerts: 7 };

    expect(alertSections(blocksOf(group))).toHaveLength(10);
    expect(alertSections(blocksOf(group, { maxAlerts: 3 }))).toHaveLength(3);
    expect(textsOf(blocksOf(group)).join('\n')).toContain('…and 15 more · Alertmanager left out 7 alerts');
  });

  it('stays within 50 blocks however many alerts are asked for', () => {
    const blocks = blocksOf(manyAlerts(200), { maxAlerts: 1000 });

    expect(blocks.length).toBeLessThanOrEqual(50);
    expect(textsOf(blocks).join('\n')).toMatch(/…and \d+ more/);
  });

  it('truncates section text to 3000 and the header to 150 characters', () => {
    const long = manyAlerts(1, 'd'.repeat(5000));
    long.commonLabels = { ...long.commonLabels, alertname: 'A'.repeat(400) };
    const blocks = blocksOf(long);

    expect(blocks[0]!.text.text).toHaveLength(150);
    expect(blocks[0]!.text.text.endsWith('…')).toBe(true);
    const section = alertSections(blocks)[0]!;
    expect(section).toHaveLength(3000);
    expect(section.endsWith('…')).toBe(true);
  });

  it('escapes mrkdwn control characters in alert data', () => {
    const group = fixtureGroup({ commonAnnotations: { summary: 'queue <size> & lag' } });

    expect(blocksOf(group)[1]!.text.text).toContain('queue &lt;size&gt; &amp; lag');
  });

  it('falls back to "[P1] FIRING alertname: summary (N firing)" with mentions while firing and notifying', () => {
    const message = renderAlertGroup(fixtureGroup());

    expect(message.text).toBe(
      '<@UONCALL> <!subteam^SSRE> [P1] FIRING HighLatency: p99 latency above 2s on api-1:8080 (3 firing)',
    );
    expect(message.blocks[1]).toMatchObject({
      text: { text: expect.stringContaining('<@UONCALL> <!subteam^SSRE>') },
    });
  });

  it('mentions nobody when the rules say not to notify, or once the group resolved', () => {
    const quiet = renderAlertGroup(fixtureGroup({ routing: { ...ROUTING, notify: false } }));
    const resolved = renderAlertGroup(resolvedGroup());

    for (const m of [quiet, resolved]) {
      expect(m.text).not.toContain('<@UONCALL>');
      expect(JSON.stringify(m.blocks)).not.toContain('<@UONCALL>');
    }
    expect(resolved.text).toBe('[P1] RESOLVED HighLatency: p99 latency above 2s on api-1:8080 (3 resolved)');
  });

  it('uses the priority emoji of the routing', () => {
    const p3 = blocksOf(fixtureGroup({ routing: { ...ROUTING, priority: 'P3', matched: [] } }));

    expect(p3[0]!.text.text).toBe(':large_yellow_circle: P3 FIRING · HighLatency');
    expect(p3[2]!.elements[0].text).toBe('P3 · score 130 · no rule matched');
  });

  it('prefers the rules engine explanation when the routing carries one', () => {
    const g = fixtureGroup();
    g.routing = {
      ...g.routing,
      explain: [
        'severity="critical": +50',
        'rule prod: +30',
        'maintenance db (until 10:00): downgrade 1',
        'score 80 → P2',
      ],
    };
    const ctx = renderAlertGroup(g).blocks[2] as Block;
    expect(ctx.elements[0].text).toBe(
      'P1 · severity="critical": +50 · rule prod: +30 · maintenance db (until 10:00): downgrade 1 · score 80 → P2',
    );
  });
});
