import { readOpenGroups } from '../../incidents/open-groups';
import { searchOpenGroups } from '../../incidents/search-groups';
import { parseMatchers } from '../../rules/matcher';
import { renderIncidentList } from '../blocks/incident-status';
import { code } from '../blocks/mrkdwn';
import { openGroupsDeps, usage } from './group-arg';
import type { Subcommand } from './registry';

/**
 * `/incident list <matchers>`: open groups whose shared labels match, or with a firing alert matching every
 * matcher, in Alertmanager's matcher syntax.
 */
export const listCommand: Subcommand = {
  name: 'list',
  usage: '<matchers>',
  summary:
    'open groups with a firing alert matching Alertmanager matchers, e.g. `instance="db-3:9100", service=~"api.*"`',
  async handle(ctx) {
    const text = ctx.restAfter(0).replace(/[“”]/g, '"');
    if (text === '') return usage(listCommand);
    const parsed = parseMatchers(text);
    if (!parsed.ok) return usage(listCommand, `${parsed.error}.`);
    const open = await readOpenGroups(openGroupsDeps(ctx.deps));
    const found = await searchOpenGroups(ctx.deps.alerts, open, parsed.matchers);
    return { message: renderIncidentList(found, ctx.deps.clock.now(), code(text)), outcome: 'ok' };
  },
};
