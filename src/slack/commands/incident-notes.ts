import { addFollowUp, addNote } from '../../incidents/incident-service';
import { incidentOf } from './incident-context';
import { type Subcommand, say } from './registry';

export const noteCommand: Subcommand = {
  name: 'note',
  usage: '<text> [#n]',
  summary: "add a line to the incident's timeline (or react with :pushpin: to any message)",
  async handle(ctx) {
    const r = await incidentOf(ctx);
    if ('answer' in r) return r.answer;
    const text = r.rest.join(' ').trim();
    if (!text) return say('Usage: `/incident note <text>`', 'usage');
    await addNote(r.console.deps, r.incident, ctx.user.id, text);
    return say(`Added to the timeline of incident ${r.incident.number}.`, 'ok');
  },
};

export const followupCommand: Subcommand = {
  name: 'followup',
  usage: '<text> [#n]',
  summary: 'a follow-up for the postmortem',
  async handle(ctx) {
    const r = await incidentOf(ctx);
    if ('answer' in r) return r.answer;
    const text = r.rest.join(' ').trim();
    if (!text) return say('Usage: `/incident followup <text>`', 'usage');
    await addFollowUp(r.console.deps, r.incident, ctx.user.id, text);
    return say(`Follow-up recorded for incident ${r.incident.number}.`, 'ok');
  },
};
