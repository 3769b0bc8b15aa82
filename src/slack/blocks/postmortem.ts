import { alertnameOf } from '../../domain/group';
import type { Postmortem } from '../../domain/postmortem';

const iso = (d: Date) => d.toISOString().replace('.000Z', 'Z');

/** "1 h 5 min", "12 min", "40 s"; "—" when it did not happen. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return '—';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  return `${h} h${m % 60 ? ` ${m % 60} min` : ''}`;
}

/** Markdown cells: no pipes or newlines breaking the table. */
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
/** A Slack user id as a mention (the draft is uploaded to Slack, where it shows the name). */
const who = (id: string | null) => (id === null ? '' : /^[UW][A-Z0-9]+$/.test(id) ? `<@${id}>` : id);

/**
 * The postmortem draft in Markdown: summary, impact window, durations, roles, timeline, linked alerts and
 * rollbacks, follow-ups, and headings for what only people can write. Pure: the same record renders the same text.
 */
export function renderPostmortemMarkdown(pm: Postmortem): string {
  const { incident: i, durations: d } = pm;
  const lines: string[] = [
    `# Incident ${i.number}: ${i.title}`,
    '',
    '## Summary',
    '',
    `- Severity: ${i.severity}`,
    `- Status: ${i.status}`,
    `- Declared: ${iso(i.declaredAt)} by ${who(i.declaredBy)}`,
    ...(i.channelName ? [`- Channel: #${i.channelName}`] : []),
    '',
    '## Impact window',
    '',
    `From ${iso(pm.impact.from)} to ${pm.impact.to ? iso(pm.impact.to) : '(not resolved)'}` +
      (pm.impact.to ? ` (${formatDuration(pm.impact.to.getTime() - pm.impact.from.getTime())})` : ''),
    '',
    '| Time to acknowledge | Time to mitigate | Time to resolve |',
    '| --- | --- | --- |',
    `| ${formatDuration(d.toAcknowledgeMs)} | ${formatDuration(d.toMitigateMs)} | ${formatDuration(d.toResolveMs)} |`,
    '',
    '## Roles',
    '',
    ...Object.entries(i.roles)
      .sort(([a], [b]) => (a === 'lead' ? -1 : b === 'lead' ? 1 : a.localeCompare(b)))
      .map(([role, user]) => `- ${role}: ${who(user)}`),
    '',
    '## Timeline (UTC)',
    '',
    '| Time | Who | What |',
    '| --- | --- | --- |',
    ...pm.timeline.map((e) => `| ${iso(e.at)} | ${cell(who(e.author))} | ${cell(e.text)} |`),
    '',
    '## Linked alerts',
    '',
    ...(pm.groups.length === 0
      ? ['None.']
      : pm.groups.map(
          (g) =>
            `- ${g.routing.priority} ${alertnameOf(g) ?? 'Alert'} (${g.status}, since ${g.createdAt})` +
            (g.commonAnnotations.summary ? `: ${g.commonAnnotations.summary}` : ''),
        )),
    '',
    '## Rollbacks',
    '',
    ...(pm.timeline.some((e) => e.kind === 'rollback')
      ? pm.timeline.filter((e) => e.kind === 'rollback').map((e) => `- ${iso(e.at)} ${e.text}`)
      : ['None.']),
    '',
    '## Follow-ups',
    '',
    ...(pm.followUps.length === 0
      ? ['None yet.']
      : pm.followUps.map((f) => `- [ ] ${f.text} (${who(f.author)})`)),
    '',
    '## What happened and why',
    '',
    '_To be written._',
    '',
    '## What went well, what did not',
    '',
    '_To be written._',
    '',
  ];
  return lines.join('\n');
}

/** The draft as the file the set-up worker uploads to the incident's channel. */
export function postmortemUpload(pm: Postmortem): { filename: string; title: string; content: string } {
  return {
    filename: `incident-${pm.incident.number}-postmortem.md`,
    title: `Incident ${pm.incident.number} postmortem draft`,
    content: renderPostmortemMarkdown(pm),
  };
}
