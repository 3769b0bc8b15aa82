import { filterGroups, readOpenGroups } from '../../incidents/open-groups';
import { parseMatchers } from '../../rules/matcher';
import { renderIncidentStatus } from '../blocks/incident-status';
import { code } from '../blocks/mrkdwn';
import { openGroupsDeps, usage } from './group-arg';
import type { Subcommand } from './registry';

/** `/incident list <matchers>`: open groups whose shared labels match, in Alertmanager's matcher syntax. */
export const listCommand: Subcommand = {
  name: 'list',
  usage: '<matchers>',
  summary: 'open groups matching Alertmanager matchers, e.g. `severity="critical", service=~"api.*"`',
  async handle(ctx) {
    const text = ctx.restAfter(0).replace(/[“”]/g, '"');
    if (text === '') return usage(listCommand);
    const parsed = parseMatchers(text);
    if (!parsed.ok) return usage(listCommand, `${parsed.error}.`);
    const open = await readOpenGroups(openGroupsDeps(ctx.deps));
    const matching = filterGroups(open, parsed.matchers);
    return { message: renderIncidentStatus(matching, ctx.deps.clock.now(), code(text)), outcome: 'ok' };
  },
};
