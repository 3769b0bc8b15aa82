import type { AlertStore, Chat, DigestPublisher, Notifier } from '../ports';
import { DIGEST_MAX_GROUPS, renderDigest } from './blocks/digest';
import { rollbackEventText } from './blocks/rollback-text';

/**
 * Events about an alert group become replies in the thread of the group's Slack message; a group never posted
 * (digest-only, or not yet) has no thread, and the event is left untold (the message will show the state).
 */
export function createSlackNotifier(deps: { alerts: Pick<AlertStore, 'getMessage'>; chat: Chat }): Notifier {
  return {
    async notify(event) {
      const message = await deps.alerts.getMessage(event.record.groupId);
      if (message)
        await deps.chat.reply({ channel: message.channel, ts: message.ts }, rollbackEventText(event));
    },
  };
}

/** A digest is one Block Kit message in its channel. */
export function createSlackDigestPublisher(chat: Chat): DigestPublisher {
  return {
    maxGroups: DIGEST_MAX_GROUPS,
    publish: (digest) => chat.post(digest.channel, renderDigest(digest)),
  };
}
