import { renderIncidentHelp } from '../blocks/incident-status';
import type { Subcommand } from './registry';

export const helpCommand: Subcommand = {
  name: 'help',
  usage: '',
  summary: 'this help',
  async handle({ subcommands }) {
    return { message: renderIncidentHelp(subcommands), outcome: 'ok' };
  },
};
