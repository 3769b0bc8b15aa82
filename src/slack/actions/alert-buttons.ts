import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import {
  type ActionDeps,
  type ActionOutcome,
  acknowledgeGroup,
  unacknowledgeGroup,
} from '../../incidents/acknowledge';
import type { Logger } from '../../logger';
import type { Metrics } from '../../metrics';
import type { Chat } from '../../ports';
import { denialText } from '../blocks/access-text';
import { ACTION_IDS } from '../blocks/action-ids';
import { MESSAGES } from '../blocks/rollback-text';
import { groupOfClickedMessage } from './clicked-message';

export interface ButtonDeps extends ActionDeps {
  chat: Chat;
  logger: Logger;
  metrics: Metrics;
  /** A group changed: render its message now. */
  onChanged: () => void;
}

type UseCase = (deps: ActionDeps, groupId: string, user: string) => Promise<ActionOutcome>;

/**
 * Thin handlers: ack Slack at once (its 3-second budget), run the use case, let the render worker update the
 * message. Only `body.user.id` (the user Slack signed for) is trusted; the group comes from the button value and
 * must be the group whose message holds the button.
 */
export function registerAlertButtons(app: App, deps: ButtonDeps): void {
  const log = deps.logger.child({ module: 'alert-buttons' });
  const handle = (name: string, useCase: UseCase) => {
    app.action<BlockAction<ButtonAction>>(name, async ({ ack, body, action }) => {
      await ack();
      deps.metrics.interactions.inc({ action: name });
      const user = body.user.id;
      const channel = body.channel?.id ?? body.container?.channel_id;
      try {
        const groupId = action.value ?? '';
        const shown = await groupOfClickedMessage(deps.alerts, body);
        if (shown !== groupId) {
          log.warn(
            { action: name, user, groupId, shown },
            'button value names another group than its message',
          );
          const why = shown ? MESSAGES.notThisMessage : MESSAGES.groupGone;
          if (channel) await deps.chat.postEphemeral(channel, user, why);
          return;
        }
        const outcome = await useCase(deps, groupId, user);
        if (outcome.kind !== 'ok') {
          const why = outcome.kind === 'denied' ? denialText(outcome.denial) : MESSAGES.groupGone;
          if (channel) await deps.chat.postEphemeral(channel, user, why);
          return;
        }
        if (outcome.changed) deps.onChanged();
      } catch (err) {
        log.error({ err, action: name, user }, 'button action failed');
        if (channel)
          await deps.chat
            .postEphemeral(channel, user, 'Sorry, mogo could not record that just now. Please try again.')
            .catch((e) => log.warn({ err: e }, 'could not tell the user about the failure'));
      }
    });
  };
  handle(ACTION_IDS.ack, acknowledgeGroup);
  handle(ACTION_IDS.unack, unacknowledgeGroup);
  // The Silence button is a link to Alertmanager; Slack still sends the click, which only needs an ack.
  app.action(ACTION_IDS.silence, async ({ ack }) => {
    await ack();
  });
}
