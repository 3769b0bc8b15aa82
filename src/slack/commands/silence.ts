import { silenceGroup, unsilence } from '../../incidents/silence';
import { silenceOutcomeText, unsilenceOutcomeText } from '../blocks/silence-text';
import { groupChanged, groupNamed, isAnswer, usage } from './group-arg';
import { type CommandContext, type Subcommand, say } from './registry';

const NOT_CONFIGURED = say(
  'Silencing from Slack needs `ALERTMANAGER_URL` (see the README); until then use the Silence link on the message.',
  'unavailable',
);

/** `/incident silence <id> <duration> [comment]`: the whole group, as the dialog's default. */
export const silenceCommand: Subcommand = {
  name: 'silence',
  usage: '<id> <duration> [comment]',
  summary: 'silence a group in Alertmanager for e.g. 90m, 2h, 1d',
  async handle(ctx: CommandContext) {
    const { deps } = ctx;
    if (!deps.silence) return NOT_CONFIGURED;
    if (!ctx.args[1]) return usage(silenceCommand);
    const group = await groupNamed(deps, ctx.args[0], silenceCommand);
    if (isAnswer(group)) return group;
    const outcome = await silenceGroup(deps.silence, {
      groupId: group.id,
      user: ctx.user,
      duration: ctx.args[1],
      comment: ctx.restAfter(2),
    });
    if (outcome.kind === 'silenced') await groupChanged(deps);
    return say(silenceOutcomeText(outcome), outcome.kind === 'silenced' ? 'ok' : outcome.kind);
  },
};

/** `/incident unsilence <id>`: expires every silence mogo made for the group. */
export const unsilenceCommand: Subcommand = {
  name: 'unsilence',
  usage: '<id>',
  summary: 'expire the silences mogo made for a group',
  async handle(ctx: CommandContext) {
    const { deps } = ctx;
    if (!deps.silence) return NOT_CONFIGURED;
    const group = await groupNamed(deps, ctx.args[0], unsilenceCommand);
    if (isAnswer(group)) return group;
    const outcome = await unsilence(deps.silence, { groupId: group.id, user: ctx.user });
    if (outcome.kind === 'unsilenced') await groupChanged(deps);
    return say(unsilenceOutcomeText(outcome), outcome.kind === 'unsilenced' ? 'ok' : outcome.kind);
  },
};
