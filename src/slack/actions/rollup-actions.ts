import type { App, BlockAction, StaticSelectAction } from '@slack/bolt';
import { acknowledgeGroup } from '../../incidents/acknowledge';
import type { Placements } from '../../ports';
import { denialText } from '../blocks/access-text';
import { ACTION_IDS } from '../blocks/action-ids';
import { MESSAGES } from '../blocks/rollback-text';
import type { ButtonDeps } from './alert-buttons';

export interface RollupActionDeps extends ButtonDeps {
  placements: Placements;
}

/**
 * The storm roll-up's "Acknowledge…" menu: the chosen line's group is acknowledged through the same use case
 * as the button on a group's own message. It acts only on a group that is a line of the roll-up clicked on,
 * whatever the option's value claims.
 */
export function registerRollupActions(app: App, deps: RollupActionDeps): void {
  const log = deps.logger.child({ module: 'rollup-actions' });
  app.action<BlockAction<StaticSelectAction>>(ACTION_IDS.rollupAck, async ({ ack, body, action }) => {
    await ack();
    deps.metrics.interactions.inc({ action: ACTION_IDS.rollupAck });
    const user = body.user.id;
    const channel = body.channel?.id ?? body.container?.channel_id;
    const ts = body.message?.ts ?? body.container?.message_ts;
    const groupId = action.selected_option?.value ?? '';
    const tell = (text: string) =>
      channel
        ? deps.chat
            .postEphemeral(channel, user, text)
            .catch((err) => log.warn({ err }, 'could not tell the user'))
        : undefined;
    try {
      const placed = await deps.placements.get(groupId);
      const rollup = placed?.kind === 'rollup' ? await deps.placements.getRollup(placed.rollupId) : null;
      if (!rollup?.ref || rollup.ref.ts !== ts || (channel && rollup.ref.channel !== channel)) {
        await tell(MESSAGES.groupGone);
        return;
      }
      const outcome = await acknowledgeGroup(deps, groupId, user);
      if (outcome.kind === 'group_gone') await tell(MESSAGES.groupGone);
      else if (outcome.kind === 'denied') await tell(denialText(outcome.denial));
      else if (outcome.changed) deps.onChanged();
    } catch (err) {
      log.error({ err, user, groupId }, 'roll-up acknowledge failed');
      await tell('Sorry, mogo could not record that just now. Please try again.');
    }
  });
}
