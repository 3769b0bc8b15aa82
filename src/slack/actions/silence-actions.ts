import type { App, BlockAction, ButtonAction, ViewSubmitAction } from '@slack/bolt';
import { type SilenceDeps, type SilenceOutcome, silenceGroup, unsilence } from '../../incidents/silence';
import type { Metrics } from '../../metrics';
import type { AlertStore, Chat } from '../../ports';
import { ACTION_IDS, CALLBACK_IDS } from '../blocks/action-ids';
import { MESSAGES } from '../blocks/rollback-text';
import { readSilenceSubmission, SILENCE_FIELDS, silenceModal } from '../blocks/silence-modal';
import { silenceOutcomeText, unsilenceOutcomeText } from '../blocks/silence-text';
import { groupOfClickedMessage } from './clicked-message';

export interface SilenceActionDeps {
  silence: SilenceDeps;
  alerts: Pick<AlertStore, 'getGroup' | 'findGroupIdByMessage' | 'getMessage'>;
  chat: Chat;
  metrics: Metrics;
  /** A change was recorded: render now. */
  onChanged: () => void;
  /** How long the dialog waits for Alertmanager before it closes and the answer comes as a private message. */
  answerWithinMs?: number;
}

const ANSWER_WITHIN_MS = 2_000;

/**
 * Silence… opens the dialog; its submission silences in Alertmanager (an Alertmanager refusal is shown in the
 * dialog, which stays open); Unsilence expires the group's silences. Only the signed user id is trusted, and a
 * button acts only on the group of the message it is on.
 */
export function registerSilenceActions(app: App, deps: SilenceActionDeps): void {
  const { chat, silence } = deps;
  const log = silence.logger.child({ module: 'silence-actions' });
  const within = deps.answerWithinMs ?? ANSWER_WITHIN_MS;

  const tell = (channel: string | undefined, user: string, text: string) =>
    channel
      ? chat.postEphemeral(channel, user, text).catch((err) => log.warn({ err }, 'could not tell the user'))
      : Promise.resolve();

  /** The group of the clicked message when it is the one the button names; otherwise the user is told. */
  const checkedGroup = async (body: BlockAction, value: string, channel: string | undefined) => {
    const shown = await groupOfClickedMessage(deps.alerts, body);
    if (shown === value) return value;
    log.warn({ user: body.user.id, value, shown }, 'silence button names another group than its message');
    await tell(channel, body.user.id, shown ? MESSAGES.notThisMessage : MESSAGES.groupGone);
    return null;
  };

  app.action<BlockAction<ButtonAction>>(ACTION_IDS.silenceOpen, async ({ ack, body, action }) => {
    await ack();
    deps.metrics.interactions.inc({ action: ACTION_IDS.silenceOpen });
    const channel = body.channel?.id ?? body.container?.channel_id;
    try {
      const groupId = await checkedGroup(body, action.value ?? '', channel);
      if (!groupId) return;
      const group = await deps.alerts.getGroup(groupId);
      if (!group) return void (await tell(channel, body.user.id, MESSAGES.groupGone));
      await chat.openView(body.trigger_id, { ...silenceModal(group) });
    } catch (err) {
      log.error({ err, user: body.user.id }, 'could not open the silence dialog');
      await tell(channel, body.user.id, 'Sorry, mogo could not open the silence dialog just now.');
    }
  });

  app.action<BlockAction<ButtonAction>>(ACTION_IDS.unsilence, async ({ ack, body, action }) => {
    await ack();
    deps.metrics.interactions.inc({ action: ACTION_IDS.unsilence });
    const user = body.user.id;
    const channel = body.channel?.id ?? body.container?.channel_id;
    try {
      const groupId = await checkedGroup(body, action.value ?? '', channel);
      if (!groupId) return;
      const outcome = await unsilence(silence, { groupId, user: { id: user, name: body.user.name ?? user } });
      if (outcome.kind === 'unsilenced') deps.onChanged();
      else await tell(channel, user, unsilenceOutcomeText(outcome));
    } catch (err) {
      log.error({ err, user }, 'unsilence failed');
      await tell(channel, user, MESSAGES.failedToRecord);
    }
  });

  app.view<ViewSubmitAction>(CALLBACK_IDS.silence, async ({ ack, body, view }) => {
    deps.metrics.interactions.inc({ action: CALLBACK_IDS.silence });
    const user = { id: body.user.id, name: body.user.name ?? body.user.id };
    const submitted = readSilenceSubmission(view.private_metadata, view.state.values as never);
    if (!submitted) {
      log.warn({ user: user.id }, 'silence dialog submitted without mogo metadata; ignored');
      return void (await ack());
    }
    const run = silenceGroup(silence, { ...submitted, user }).catch((err): SilenceOutcome | 'failed' => {
      log.error({ err, user: user.id }, 'silence failed');
      return 'failed';
    });
    const first = await Promise.race([run, sleep(within).then(() => 'late' as const)]);
    if (first !== 'late' && first !== 'failed' && first.kind !== 'silenced') {
      // the dialog stays open and says what is wrong next to the field it concerns
      const field =
        first.kind === 'bad_duration' ? SILENCE_FIELDS.custom.block : SILENCE_FIELDS.comment.block;
      return void (await ack({
        response_action: 'errors',
        errors: { [field]: silenceOutcomeText(first).replace(/\*/g, '') },
      }));
    }
    await ack();
    const outcome = await run;
    const channel = (await deps.alerts.getMessage(submitted.groupId))?.channel;
    if (outcome === 'failed') return void (await tell(channel, user.id, MESSAGES.failedToRecord));
    if (outcome.kind === 'silenced') deps.onChanged();
    if (first === 'late') await tell(channel, user.id, silenceOutcomeText(outcome));
  });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());
