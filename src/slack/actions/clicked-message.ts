import { setTimeout as sleep } from 'node:timers/promises';
import type { BlockAction } from '@slack/bolt';
import type { AlertStore } from '../../ports';

/**
 * How long to look again for a message mogo does not know yet. Slack shows a message as soon as
 * chat.postMessage answers; mogo records its ts right after, in its own transaction. A click on a P1 in that
 * gap (a busy database in a storm makes it longer) is a real click on a real group, not a stale one.
 * 1.4 s in all, well inside a trigger_id's 3 s, and only ever spent when the answer would have been "gone".
 */
export const LOOK_AGAIN_MS: readonly number[] = [200, 400, 800];

/**
 * The alert group whose message holds the clicked button, or null when the message is not a group's. A signed
 * click is only good for the message it was made on: a button whose value names another group (a forged or
 * replayed value) must not act on that group.
 */
export async function groupOfClickedMessage(
  alerts: Pick<AlertStore, 'findGroupIdByMessage'>,
  body: BlockAction,
  lookAgainMs: readonly number[] = LOOK_AGAIN_MS,
): Promise<string | null> {
  const channel = body.channel?.id ?? body.container?.channel_id;
  const ts = body.container?.message_ts ?? body.message?.ts;
  if (!channel || !ts) return null;
  let found = await alerts.findGroupIdByMessage({ channel, ts });
  for (const delay of lookAgainMs) {
    if (found !== null) break;
    await sleep(delay);
    found = await alerts.findGroupIdByMessage({ channel, ts });
  }
  return found;
}
