import type { AlertGroup } from '../../domain/group';
import { findGroup, forgetOpenGroups, type OpenGroupsDeps } from '../../incidents/open-groups';
import { code, escapeText } from '../blocks/mrkdwn';
import type { CommandAnswer, CommandDeps, Subcommand } from './registry';
import { say } from './registry';

/** The open-groups reads of a command: the shared cache, mogo's silences when real. */
export function openGroupsDeps(deps: CommandDeps): OpenGroupsDeps {
  return { alerts: deps.alerts, cache: deps.cache, silences: deps.silence?.records, clock: deps.clock };
}

/** "Usage: `/incident ack <id>`". */
export function usage(sub: Pick<Subcommand, 'name' | 'usage'>, problem?: string): CommandAnswer {
  const call = `/incident ${sub.name} ${sub.usage}`.trim();
  return say(`${problem ? `${escapeText(problem)} ` : ''}Usage: ${code(call)}`, 'usage');
}

/** The group `typed` names (short id on its message, or the full group id), or the answer saying why not. */
export async function groupNamed(
  deps: CommandDeps,
  typed: string | undefined,
  sub: Subcommand,
): Promise<AlertGroup | CommandAnswer> {
  if (!typed) return usage(sub);
  const found = await findGroup(openGroupsDeps(deps), typed);
  if (found.kind === 'found') return found.group;
  if (found.kind === 'ambiguous')
    return say(
      `${code(typed)} matches ${found.ids.length} open groups (${found.ids.map((id) => code(id.slice(0, 8))).join(', ')}); type more of the id.`,
      'ambiguous',
    );
  return say(
    `No alert group ${code(typed)}. Use the id shown on an alert message (or \`/incident status\` lists them).`,
    'not_found',
  );
}

export function isAnswer(x: AlertGroup | CommandAnswer): x is CommandAnswer {
  return 'outcome' in x && 'message' in x;
}

/** A command changed a group: its message is rendered again, and the cached open groups are read afresh. */
export async function groupChanged(deps: CommandDeps): Promise<void> {
  deps.onChanged();
  await forgetOpenGroups(deps.cache);
}
