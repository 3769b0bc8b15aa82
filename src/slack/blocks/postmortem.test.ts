import { sampleIncident as incident, samplePostmortemInput } from '../../../test/fakes/incident';
import { postmortemOf } from '../../domain/postmortem';
import { formatDuration, postmortemUpload, renderPostmortemMarkdown } from './postmortem';

describe('postmortem draft in Markdown', () => {
  const pm = postmortemOf(samplePostmortemInput);

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

  it('is uploaded as a Markdown file named by the incident', () => {
    expect(postmortemUpload(pm)).toEqual({
      filename: 'incident-7-postmortem.md',
      title: 'Incident 7 postmortem draft',
      content: renderPostmortemMarkdown(pm),
    });
  });
});
