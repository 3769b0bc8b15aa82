import { renderIncidentStatus } from '../blocks/incident-status';
import type { Subcommand } from './registry';

/** `/incident status [public]`: the open groups, most pressing first; only the caller sees it unless `public`. */
export const statusCommand: Subcommand = {
  name: 'status',
  usage: '[public]',
  summary: 'open alert groups, most pressing first (only you see it unless `public`)',
  async handle({ args, deps }) {
    const open = await deps.alerts.listGroups({ status: 'firing', limit: 200 });
    const inChannel = args[0]?.toLowerCase() === 'public';
    return { message: renderIncidentStatus(open), outcome: 'ok', inChannel };
  },
};
