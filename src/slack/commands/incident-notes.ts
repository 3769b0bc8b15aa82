import { addFollowUp, addNote } from '../../incidents/incident-service';
import { incidentSubcommand } from './incident-context';
import { say } from './registry';

export const noteCommand = incidentSubcommand({
  name: 'note',
  usage: '<text> [#n]',
  summary: "add a line to the incident's timeline (or react with :pushpin: to any message)",
  async act(ctx, { console, incident, text }) {
    if (!text) return say('Usage: `/incident note <text>`', 'usage');
    await addNote(console.deps, incident, ctx.user.id, text);
    return say(`Added to the timeline of incident ${incident.number}.`, 'ok');
  },
});

export const followupCommand = incidentSubcommand({
  name: 'followup',
  usage: '<text> [#n]',
  summary: 'a follow-up for the postmortem',
  async act(ctx, { console, incident, text }) {
    if (!text) return say('Usage: `/incident followup <text>`', 'usage');
    await addFollowUp(console.deps, incident, ctx.user.id, text);
    return say(`Follow-up recorded for incident ${incident.number}.`, 'ok');
  },
});
