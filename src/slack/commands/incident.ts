import type { App, RespondFn } from '@slack/bolt';
import type { ChatMessage } from '../../ports';
import { renderIncidentHelp } from '../blocks/incident-status';
import {
  type CommandAnswer,
  type CommandContext,
  type CommandDeps,
  parseCommandText,
  type Subcommand,
  say,
} from './registry';
import { SUBCOMMANDS } from './subcommands';

/** Slack shows an error after 3 s; the receiver acks empty at 2.5 s. A slower answer goes to response_url. */
const ANSWER_WITHIN_MS = 2_000;
const AUDITED_TEXT_MAX = 500;

export interface IncidentCommandDeps extends CommandDeps {
  /** The subcommand table; SUBCOMMANDS by default. */
  subcommands?: readonly Subcommand[];
  /** How long to wait for the answer before acking "working on it" and answering through response_url. */
  answerWithinMs?: number;
  /** Counts each invocation (metrics). */
  onInvoked?: (subcommand: string) => void;
}

/**
 * `/incident <verb> [args]`: parse, look the verb up in the table, run its handler, answer. Unknown input gets
 * help. The answer rides on the ack when it is ready within ~2 s, else through `respond` (response_url). Every
 * invocation is audited as `command.invoked` with its outcome.
 */
export function registerIncidentCommand(app: App, deps: IncidentCommandDeps): void {
  const log = deps.logger.child({ module: 'incident-command' });
  const table = deps.subcommands ?? SUBCOMMANDS;
  const within = deps.answerWithinMs ?? ANSWER_WITHIN_MS;

  app.command('/incident', async ({ ack, command, respond }) => {
    const started = Date.now();
    const parsed = parseCommandText(command.text ?? '');
    const verb = parsed.verb || 'status';
    const ctx: CommandContext = {
      ...parsed,
      verb,
      user: { id: command.user_id, name: command.user_name },
      channel: { id: command.channel_id, name: command.channel_name },
      triggerId: command.trigger_id,
      deps,
      subcommands: table,
    };
    const sub = table.find((s) => s.name === verb);
    deps.onInvoked?.(sub ? verb : '?');
    const run = (): Promise<CommandAnswer> =>
      sub
        ? sub.handle(ctx)
        : Promise.resolve({
            message: renderIncidentHelp(table, `Unknown command \`${escapeCode(verb)}\`.`),
            outcome: 'unknown',
          });
    const answer = run().catch((err): CommandAnswer => {
      log.error({ err, verb, user: ctx.user.id }, '/incident failed');
      return say('mogo could not answer just now; please try again.', 'failed');
    });

    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((r) => {
      timer = setTimeout(() => r('late'), within);
    });
    const first = await Promise.race([answer, late]);
    clearTimeout(timer);
    const wasLate = first === 'late';
    if (first !== 'late') await ack(reply(first.message, first.inChannel));
    else await ack(reply({ text: 'Working on it…', blocks: [] }, false));
    const done = await answer;
    if (wasLate)
      await deliverLate(respond, done).catch((err) => log.warn({ err, verb }, 'response_url failed'));
    deps.audit.append({
      actor: ctx.user.id,
      action: 'command.invoked',
      subject: `command:/incident ${sub ? verb : '?'}`,
      details: {
        text: (command.text ?? '').slice(0, AUDITED_TEXT_MAX),
        channel: ctx.channel.id,
        outcome: done.outcome,
        ms: Date.now() - started,
        ...(wasLate ? { viaResponseUrl: true } : {}),
      },
    });
  });
}

function deliverLate(respond: RespondFn, a: CommandAnswer) {
  return respond({
    response_type: a.inChannel ? 'in_channel' : 'ephemeral',
    replace_original: false,
    text: a.message.text,
    blocks: a.message.blocks as never[],
  });
}

/** Block Kit JSON is built by our pure renderers as plain objects; Slack's types only need to be told. */
function reply(m: ChatMessage, inChannel: boolean | undefined) {
  const blocks = m.blocks.length > 0 ? { blocks: m.blocks as never[] } : {};
  return {
    response_type: inChannel ? ('in_channel' as const) : ('ephemeral' as const),
    text: m.text,
    ...blocks,
  };
}

function escapeCode(s: string): string {
  return s.replace(/[`<>&]/g, '').slice(0, 40);
}
