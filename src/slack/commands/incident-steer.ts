import { isIncidentStatus, parseSeverity } from '../../domain/incident';
import { assignRole, renameIncident, setSeverity, setStatus } from '../../incidents/incident-service';
import { incidentOf, steered } from './incident-context';
import { type Subcommand, say } from './registry';

const USER = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/;

/** `/incident role <role> @user`: the lead, or a configured role (comms, scribe…). */
export const roleCommand: Subcommand = {
  name: 'role',
  usage: '<role> @user [#n]',
  summary: 'give an incident role (lead, comms, scribe…) to someone',
  async handle(ctx) {
    const r = await incidentOf(ctx);
    if ('answer' in r) return r.answer;
    const [role, who] = r.rest;
    const user = USER.exec(who ?? '')?.[1];
    if (!role || !user) return say('Usage: `/incident role <role> @user`', 'usage');
    const out = await assignRole(r.console.deps, r.incident.id, ctx.user.id, role, user);
    return steered(
      out,
      (i) => `Incident ${i.number}: <@${user}> is ${role.toLowerCase().replace(/^@/, '')}.`,
    );
  },
};

export const severityCommand: Subcommand = {
  name: 'severity',
  usage: '<SEV1-SEV4> [#n]',
  summary: "change an incident's severity",
  async handle(ctx) {
    const r = await incidentOf(ctx);
    if ('answer' in r) return r.answer;
    const severity = parseSeverity(r.rest[0] ?? '');
    if (!severity)
      return say('Usage: `/incident severity SEV1` (SEV1 is the worst, SEV4 the mildest)', 'usage');
    const out = await setSeverity(r.console.deps, r.incident.id, ctx.user.id, severity);
    return steered(out, (i) => `Incident ${i.number} is now ${i.severity}.`);
  },
};

export const renameCommand: Subcommand = {
  name: 'rename',
  usage: '<new title> [#n]',
  summary: 'a new title for the incident (its channel follows)',
  async handle(ctx) {
    const r = await incidentOf(ctx);
    if ('answer' in r) return r.answer;
    const title = r.rest.join(' ').trim();
    if (!title) return say('Usage: `/incident rename <new title>`', 'usage');
    const out = await renameIncident(r.console.deps, r.incident.id, ctx.user.id, title);
    return steered(out, (i) => `Incident ${i.number} is now "${i.title}".`);
  },
};

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

export const resolveCommand: Subcommand = {
  name: 'resolve',
  usage: '[#n]',
  summary: 'the incident is over (the timeline keeps going until close)',
  async handle(ctx) {
    const r = await incidentOf(ctx);
    if ('answer' in r) return r.answer;
    const out = await setStatus(r.console.deps, r.incident.id, ctx.user.id, 'resolved');
    return steered(
      out,
      (i) => `Incident ${i.number} is resolved. \`/incident close\` writes the postmortem draft.`,
    );
  },
};

export const closeCommand: Subcommand = {
  name: 'close',
  usage: '[#n]',
  summary: 'close a resolved incident: the postmortem draft is posted here, the channel archived later',
  async handle(ctx) {
    const r = await incidentOf(ctx);
    if ('answer' in r) return r.answer;
    const out = await setStatus(r.console.deps, r.incident.id, ctx.user.id, 'closed');
    return steered(
      out,
      (i) => `Incident ${i.number} is closed. The postmortem draft follows in this channel.`,
    );
  },
};
