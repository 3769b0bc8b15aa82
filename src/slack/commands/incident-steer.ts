import { type IncidentStatus, isIncidentStatus, parseSeverity } from '../../domain/incident';
import { assignRole, renameIncident, setSeverity, setStatus } from '../../incidents/incident-service';
import { escapeText } from '../blocks/mrkdwn';
import { incidentOf, incidentSubcommand, steered } from './incident-context';
import { type Subcommand, say } from './registry';

const USER = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/;

/** `/incident role <role> @user`: the lead, or a configured role (comms, scribe…). */
export const roleCommand = incidentSubcommand({
  name: 'role',
  usage: '<role> @user [#n]',
  summary: 'give an incident role (lead, comms, scribe…) to someone',
  async act(ctx, { console, incident, rest }) {
    const [role, who] = rest;
    const user = USER.exec(who ?? '')?.[1];
    if (!role || !user) return say('Usage: `/incident role <role> @user`', 'usage');
    const out = await assignRole(console.deps, incident.id, ctx.user.id, role, user);
    return steered(
      out,
      (i) => `Incident ${i.number}: <@${user}> is ${role.toLowerCase().replace(/^@/, '')}.`,
    );
  },
});

export const severityCommand = incidentSubcommand({
  name: 'severity',
  usage: '<SEV1-SEV4> [#n]',
  summary: "change an incident's severity",
  async act(ctx, { console, incident, rest }) {
    const severity = parseSeverity(rest[0] ?? '');
    if (!severity)
      return say('Usage: `/incident severity SEV1` (SEV1 is the worst, SEV4 the mildest)', 'usage');
    const out = await setSeverity(console.deps, incident.id, ctx.user.id, severity);
    return steered(out, (i) => `Incident ${i.number} is now ${i.severity}.`);
  },
});

export const renameCommand = incidentSubcommand({
  name: 'rename',
  usage: '<new title> [#n]',
  summary: 'a new title for the incident (its channel follows)',
  async act(ctx, { console, incident, text }) {
    if (!text) return say('Usage: `/incident rename <new title>`', 'usage');
    const out = await renameIncident(console.deps, incident.id, ctx.user.id, text);
    return steered(out, (i) => `Incident ${i.number} is now "${escapeText(i.title)}".`);
  },
});

/** `status <status>` in an incident changes its status; without one, the listing of open alerts it wraps. */
export function withIncidentStatus(listing: Subcommand): Subcommand {
  return {
    name: listing.name,
    usage: `${listing.usage} | <investigating|identified|monitoring|resolved> [#n]`.trim(),
    summary: `${listing.summary}; in an incident, set its status`,
    async handle(ctx) {
      const word = ctx.args.find((a) => !a.startsWith('#'))?.toLowerCase() ?? '';
      if (!isIncidentStatus(word)) return listing.handle(ctx);
      const r = await incidentOf(ctx);
      if ('answer' in r) return r.answer;
      const out = await setStatus(r.console.deps, r.incident.id, ctx.user.id, word);
      return steered(out, (i) => `Incident ${i.number} is ${i.status}.`);
    },
  };
}

/** `resolve` and `close`: a status move with its own word. */
function moveTo(to: IncidentStatus, summary: string, said: (n: number) => string) {
  return incidentSubcommand({
    name: to === 'resolved' ? 'resolve' : 'close',
    usage: '[#n]',
    summary,
    async act(ctx, { console, incident }) {
      const out = await setStatus(console.deps, incident.id, ctx.user.id, to);
      return steered(out, (i) => said(i.number));
    },
  });
}

export const resolveCommand = moveTo(
  'resolved',
  'the incident is over (the timeline keeps going until close)',
  (n) => `Incident ${n} is resolved. \`/incident close\` writes the postmortem draft.`,
);

export const closeCommand = moveTo(
  'closed',
  'close a resolved incident: the postmortem draft is posted here, the channel archived later',
  (n) => `Incident ${n} is closed. The postmortem draft follows in this channel.`,
);
