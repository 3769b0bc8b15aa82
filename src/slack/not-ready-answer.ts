import type { App, ViewResponseAction } from '@slack/bolt';
import type { Logger } from '../logger';

export const NOT_READY_TEXT =
  'mogo is being upgraded and this copy of it cannot act on that right now. Nothing was changed: please try again in a minute.';

/** What a Bolt global middleware gets, as far as answering goes (the types differ per kind of request). */
interface AnswerArgs {
  body: { type?: string; command?: string; view?: { blocks?: { type?: string; block_id?: string }[] } };
  ack?: (response?: unknown) => Promise<void>;
  respond?: (message: unknown) => Promise<unknown>;
  next: () => Promise<void>;
}

/**
 * The answer to a dialog's submission. Slack shows `errors` only under an input block of the submitted view, keyed
 * by its block_id: there the dialog stays open with what the person typed, and submitting again in a minute works.
 * A dialog without inputs (the rollback confirmation) is replaced by a notice instead.
 */
function submissionAnswer(blocks: { type?: string; block_id?: string }[] = []): ViewResponseAction {
  const input = blocks.find((b) => b.type === 'input' && b.block_id)?.block_id;
  if (input) return { response_action: 'errors', errors: { [input]: NOT_READY_TEXT } };
  return {
    response_action: 'update',
    view: {
      type: 'modal',
      title: { type: 'plain_text', text: 'mogo' },
      close: { type: 'plain_text', text: 'Close' },
      blocks: [{ type: 'section', text: { type: 'plain_text', text: NOT_READY_TEXT } }],
    },
  };
}

/**
 * While `notReady` gives a reason (the schema guard: a newer mogo migrated the database), no listener runs: a
 * command or a click is answered politely, only to the person (a click through its response_url), and a dialog
 * submission shows the same words (submissionAnswer). In HTTP mode an event never gets here: the receiver answers
 * it 503 without remembering it (SlackHttpReceiver.holdEvent), so Slack retries it (at once, then after about 1
 * and 5 minutes) and an upgraded replica records it; only one arriving as the gate closes, between the receiver's
 * check and this one, is acked and dropped. In Socket Mode there is no status to answer with: Bolt acks an event
 * before any middleware, so it is dropped here and Slack does not send it again. HTTP mode sees this for the
 * seconds before readiness takes the replica out of the Service; Socket Mode until the replica is replaced.
 */
export function answerWhileNotReady(bolt: App, notReady: () => string | undefined, logger: Logger): void {
  const log = logger.child({ module: 'slack' });
  bolt.use(async (raw) => {
    const args = raw as unknown as AnswerArgs;
    const reason = notReady();
    if (!reason) return args.next();
    log.info({ type: args.body.type ?? 'command', reason }, 'Slack request not handled: not ready');
    if (args.body.command) return args.ack?.({ response_type: 'ephemeral', text: NOT_READY_TEXT });
    if (args.body.type === 'view_submission') return args.ack?.(submissionAnswer(args.body.view?.blocks));
    await args.ack?.();
    if (args.body.type === 'block_actions' && args.respond)
      await args
        .respond({ response_type: 'ephemeral', replace_original: false, text: NOT_READY_TEXT })
        .catch((err: unknown) => log.warn({ err }, 'could not tell the person this replica is not ready'));
  });
}
