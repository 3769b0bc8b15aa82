import type { Incident } from './incident';
import { formatDuration, postmortemOf, renderPostmortemMarkdown } from './postmortem';

const t = (min: number) => new Date(Date.UTC(2026, 11, 4, 10, min));
const incident: Incident = {
  id: 'i1',
  number: 7,
  title: 'Checkout | slow',
  severity: 'SEV2',
  status: 'closed',
  mode: 'channel',
  channelId: 'C7',
  channelName: 'inc-7-checkout-slow',
  threadTs: null,
  roles: { scribe: 'USCRIBE', lead: 'ULEAD' },
  declaredBy: 'UALICE',
  declaredAt: t(5),
  mitigatedAt: t(20),
  resolvedAt: t(65),
  closedAt: t(70),
  archivedAt: null,
  summaryTs: '1.1',
  announcement: null,
  groupIds: [],
  version: 3,
};

describe('postmortem draft', () => {
  const pm = postmortemOf({
    incident,
    groups: [],
    timeline: [
      {
        kind: 'alert',
        at: t(0),
        author: 'alertmanager',
        text: 'Alert fired: 2 firing',
        sourceRef: 'audit:1',
      },
      { kind: 'declared', at: t(5), author: 'UALICE', text: 'SEV2 declared', sourceRef: null },
      {
        kind: 'rollback',
        at: t(15),
        author: 'ULEAD',
        text: 'Rollback of api succeeded',
        sourceRef: 'audit:9',
      },
      {
        kind: 'message',
        at: t(16),
        author: 'UBOB',
        text: 'error rate\nback to normal',
        sourceRef: 'message:C7:1.2',
      },
    ],
    followUps: [{ text: 'alert on queue depth', author: 'ULEAD', at: t(69) }],
    firstAlertAt: t(0),
    firstAckAt: t(3),
  });

  it('measures from the first alert', () => {
    expect(pm.durations).toMatchObject({
      toAcknowledgeMs: 3 * 60_000,
      toMitigateMs: 20 * 60_000,
      toResolveMs: 65 * 60_000,
    });
    expect(pm.impact).toEqual({ from: t(0), to: t(65) });
  });

  it('renders every section, the lead first, table cells kept on one line', () => {
    const md = renderPostmortemMarkdown(pm);
    expect(md).toContain('# Incident 7: Checkout | slow');
    expect(md).toContain('From 2026-12-04T10:00:00Z to 2026-12-04T11:05:00Z (1 h 5 min)');
    expect(md).toContain('| 3 min | 20 min | 1 h 5 min |');
    expect(md).toMatch(/- lead: <@ULEAD>\n- scribe: <@USCRIBE>/);
    expect(md).toContain('| 2026-12-04T10:16:00Z | <@UBOB> | error rate back to normal |');
    expect(md).toContain('| 2026-12-04T10:00:00Z | alertmanager | Alert fired: 2 firing |');
    expect(md).toContain('## Rollbacks\n\n- 2026-12-04T10:15:00Z Rollback of api succeeded');
    expect(md).toContain('- [ ] alert on queue depth (<@ULEAD>)');
    expect(renderPostmortemMarkdown(pm)).toBe(md);
  });

  it('says what did not happen', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(40_000)).toBe('40 s');
    const open = renderPostmortemMarkdown(
      postmortemOf({
        incident: { ...incident, resolvedAt: null, mitigatedAt: null },
        groups: [],
        timeline: [],
        followUps: [],
        firstAlertAt: null,
        firstAckAt: null,
      }),
    );
    expect(open).toContain('to (not resolved)');
    expect(open).toContain('| — | — | — |');
    expect(open).toContain('## Follow-ups\n\nNone yet.');
  });
});
