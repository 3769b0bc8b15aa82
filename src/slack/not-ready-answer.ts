import type { App } from '@slack/bolt';
import type { Logger } from '../logger';

export const NOT_READY_TEXT =
  'mogo is being upgraded and this copy of it cannot act on that right now. Nothing was changed: please try again in a minute.';

/** What a Bolt global middleware gets, as far as answering goes (the types differ per kind of request). */
interface AnswerArgs {
  body: { type?: string; command?: string };
  ack?: (response?: unknown) => Promise<void>;
  respond?: (message: unknown) => Promise<unknown>;
  next: () => Promise<void>;
}

/**
 * While `notReady` gives a reason (the schema guard: a newer mogo migrated the database), no listener runs: a
 * command or a click is answered politely, only to the person, and a dialog submission shows the same words;
 * events are dropped. In HTTP mode this covers the seconds before readiness takes the replica out of the
 * Service; in Socket Mode Slack keeps sending this connection its share until the replica is replaced.
 */
export function answerWhileNotReady(bolt: App, notReady: () => string | undefined, logger: Logger): void {
  const log = logger.child({ module: 'slack' });
  bolt.use(async (raw) => {
    const args = raw as unknown as AnswerArgs;
    const reason = notReady();
    if (!reason) return args.next();
    log.info({ type: args.body.type ?? 'command', reason }, 'Slack request not handled: not ready');
    if (args.body.command) return args.ack?.({ response_type: 'ephemeral', text: NOT_READY_TEXT });
    if (args.body.type === 'view_submission')
      return args.ack?.({
        response_action: 'update',
        view: {
          type: 'modal',
          title: { type: 'plain_text', text: 'mogo' },
          close: { type: 'plain_text', text: 'Close' },
          blocks: [{ type: 'section', text: { type: 'plain_text', text: NOT_READY_TEXT } }],
        },
      });
    await args.ack?.();
    if (args.body.type === 'block_actions' && args.respond)
      await args
        .respond({ response_type: 'ephemeral', replace_original: false, text: NOT_READY_TEXT })
        .catch((err: unknown) => log.warn({ err }, 'could not tell the person this replica is not ready'));
  });
}
