import type { BlockAction } from '@slack/bolt';
import type { AlertStore } from '../../ports';

/**
 * The alert group whose message holds the clicked button, or null when the message is not a group's. A signed
 * click is only good for the message it was made on: a button whose value names another group (a forged or
 * replayed value) must not act on that group.
 */
export async function groupOfClickedMessage(
  alerts: Pick<AlertStore, 'findGroupIdByMessage'>,
  body: BlockAction,
): Promise<string | null> {
  const channel = body.channel?.id ?? body.container?.channel_id;
  const ts = body.container?.message_ts ?? body.message?.ts;
  return channel && ts ? alerts.findGroupIdByMessage({ channel, ts }) : null;
}
