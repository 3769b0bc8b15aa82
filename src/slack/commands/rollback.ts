import { shortIdOf } from '../../domain/group';
import { mostPressingFirst, readOpenGroups } from '../../incidents/open-groups';
import { openRollbackDialog } from '../actions/rollback-actions';
import { code, escapeText } from '../blocks/mrkdwn';
import { renderRollbackList } from '../blocks/rollback-status';
import { refusalText } from '../blocks/rollback-text';
import { groupNamed, isAnswer, openGroupsDeps, usage } from './group-arg';
import { type CommandAnswer, type CommandContext, type Subcommand, say } from './registry';

const RECENT = 10;

/**
 * `/incident rollback <target> [reason]`: the Rollback button by command. `<target>` is a rollback target (the
 * most pressing open group it is attached to is the one rolled back for) or a group's id. The same permission
 * check, dialog, two-person rule and audit as the button. `/incident rollback status`: running and recent.
 */
export const rollbackCommand: Subcommand = {
  name: 'rollback',
  usage: '<target> [reason] | status',
  summary: 'roll back a target now (same dialog, roles and approval as the button); `status` lists rollbacks',
  async handle(ctx: CommandContext): Promise<CommandAnswer> {
    const { deps } = ctx;
    const rollback = deps.rollback;
    if (!rollback) return say('Rollbacks are not available here.', 'unavailable');
    const what = ctx.args[0];
    if (!what) return usage(rollbackCommand);
    if (what.toLowerCase() === 'status') {
      const recent = await rollback.deps.rollbacks.listRecent(RECENT);
      return { message: renderRollbackList(recent), outcome: 'ok' };
    }
    const groupId = await groupFor(ctx, what);
    if (typeof groupId !== 'string') return groupId;
    const outcome = await openRollbackDialog(
      { rollback: rollback.deps, chat: deps.chat },
      { groupId, user: ctx.user.id, triggerId: ctx.triggerId, reason: ctx.restAfter(1) },
    );
    if (outcome.kind !== 'ok') return say(refusalText(outcome), outcome.kind);
    return say(`Opened the rollback dialog for ${code(what)} (group ${code(shortIdOf(groupId))}).`, 'ok');
  },
};

/** A target name picks the most pressing open group it is attached to; anything else is read as a group id. */
async function groupFor(ctx: CommandContext, what: string): Promise<string | CommandAnswer> {
  const rollback = ctx.deps.rollback!;
  const target = rollback.deps.rules.current().targets.find((t) => t.name === what);
  if (!target) {
    const group = await groupNamed(ctx.deps, what, rollbackCommand);
    if (isAnswer(group))
      return group.outcome === 'not_found'
        ? say(`No rollback target or alert group ${code(what)}.`, 'not_found')
        : group;
    return group.id;
  }
  const [pressing] = (await readOpenGroups(openGroupsDeps(ctx.deps)))
    .filter((g) => g.rollbackTarget === target.name)
    .sort(mostPressingFirst);
  if (pressing) return pressing.id;
  return say(
    `No open alert group is attached to ${escapeText(target.name)}; a rollback is asked from the alert it is for.`,
    'no_group',
  );
}
