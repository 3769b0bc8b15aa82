import type { Chat, EscalationNotifier } from '../ports';
import { escalationText } from './blocks/escalation-text';

/** Escalation steps and reminders are replies in the thread of the group's (or its roll-up's) message. */
export function createSlackEscalationNotifier(chat: Chat): EscalationNotifier {
  return {
    async notify(ref, event) {
      const urgent = event.group.routing.priority === 'P1';
      await chat.reply(ref, escalationText(event), { urgent });
    },
  };
}
