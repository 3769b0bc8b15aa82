import { readOpenGroups } from '../../incidents/open-groups';
import { renderIncidentStatus } from '../blocks/incident-status';
import { openGroupsDeps } from './group-arg';
import type { Subcommand } from './registry';

/** `/incident status [public]`: the open groups, most pressing first; only the caller sees it unless `public`. */
export const statusCommand: Subcommand = {
  name: 'status',
  usage: '[public]',
  summary: 'open alert groups by priority: id, age, ack, silence, links (only you see it unless `public`)',
  async handle({ args, deps }) {
    const open = await readOpenGroups(openGroupsDeps(deps));
    const inChannel = args[0]?.toLowerCase() === 'public';
    return { message: renderIncidentStatus(open, deps.clock.now()), outcome: 'ok', inChannel };
  },
};
