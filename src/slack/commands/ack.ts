import { shortIdOf } from '../../domain/group';
import { type ActionOutcome, acknowledgeGroup, unacknowledgeGroup } from '../../incidents/acknowledge';
import { denialText } from '../blocks/access-text';
import { code, escapeText } from '../blocks/mrkdwn';
import { groupChanged, groupNamed, isAnswer } from './group-arg';
import { type CommandAnswer, type CommandContext, type Subcommand, say } from './registry';

type UseCase = typeof acknowledgeGroup;

/** ack and unack: the same use cases (and permission) as the buttons on the message. */
function ackLike(name: 'ack' | 'unack', summary: string, useCase: UseCase, done: string): Subcommand {
  const sub: Subcommand = {
    name,
    usage: '<id>',
    summary,
    async handle(ctx: CommandContext): Promise<CommandAnswer> {
      const group = await groupNamed(ctx.deps, ctx.args[0], sub);
      if (isAnswer(group)) return group;
      const { deps } = ctx;
      const outcome: ActionOutcome = await useCase(
        { alerts: deps.alerts, clock: deps.clock, access: { rules: deps.rules, directory: deps.directory } },
        group.id,
        ctx.user.id,
      );
      if (outcome.kind === 'denied')
        return say(`Not done: ${escapeText(denialText(outcome.denial))}`, 'denied');
      if (outcome.kind === 'group_gone') return say('That alert group no longer exists.', 'not_found');
      if (outcome.changed) await groupChanged(deps);
      const what = `${code(shortIdOf(group.id))}`;
      return say(
        outcome.changed ? `${done} ${what}.` : `Nothing to change: ${what} already is.`,
        outcome.changed ? 'ok' : 'unchanged',
      );
    },
  };
  return sub;
}

export const ackCommand = ackLike(
  'ack',
  'acknowledge a group (as its Acknowledge button)',
  acknowledgeGroup,
  ':eyes: Acknowledged',
);
export const unackCommand = ackLike(
  'unack',
  'take back an acknowledgement',
  unacknowledgeGroup,
  'Unacknowledged',
);
