import { onCallNow } from '../../rules';
import { suggest } from '../../rules/problems';
import { noRotationsText, onCallText, unknownTeamText } from '../blocks/oncall-text';
import { type Subcommand, say } from './registry';

/** `/incident oncall [team]`: who is on call now and next, with hand-off times, for one team or every team. */
export const oncallCommand: Subcommand = {
  name: 'oncall',
  usage: '[team]',
  summary: 'who is on call now and next, with hand-off times',
  async handle({ args, deps }) {
    const rotations = deps.rules?.current().rotations ?? [];
    if (rotations.length === 0) return say(noRotationsText(), 'not_found');
    const at = deps.clock.now();
    const team = args[0]?.toLowerCase();
    if (team !== undefined) {
      const found = onCallNow(rotations, team, at);
      if (found) return say(onCallText(found), 'ok');
      const known = rotations.map((r) => r.team);
      return say(unknownTeamText(team, known, suggest(team, known)), 'not_found');
    }
    const all = rotations.map((r) => onCallText(onCallNow(rotations, r.team, at)!));
    return say(all.join('\n\n'), 'ok');
  },
};
