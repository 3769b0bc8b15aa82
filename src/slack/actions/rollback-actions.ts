import type { App, BlockAction, ButtonAction, ViewSubmitAction } from '@slack/bolt';
import { approveRollback, cancelRollback } from '../../incidents/rollback/approve';
import { OK, type Outcome, type RollbackDeps } from '../../incidents/rollback/deps';
import { planRollback, prepareRollback } from '../../incidents/rollback/prepare';
import type { RollbackRunner } from '../../incidents/rollback/runner';
import { submitRollback } from '../../incidents/rollback/submit';
import type { Metrics } from '../../metrics';
import type { Chat } from '../../ports';
import { ACTION_IDS, CALLBACK_IDS } from '../blocks/action-ids';
import {
  decodeDialogMeta,
  rollbackLoadingView,
  rollbackPlanFailedView,
  rollbackPlanView,
} from '../blocks/rollback-modal';
import { MESSAGES, refusalText } from '../blocks/rollback-text';
import { groupOfClickedMessage } from './clicked-message';

export interface RollbackActionDeps {
  rollback: RollbackDeps;
  runner: RollbackRunner;
  chat: Chat;
  metrics: Metrics;
}

/**
 * The Rollback button and `/incident rollback` alike: permission, target free, then the confirmation dialog,
 * opened at once (a trigger lasts 3 seconds) and updated with the backend's plan. A refusal is returned.
 */
export async function openRollbackDialog(
  deps: Pick<RollbackActionDeps, 'rollback' | 'chat'>,
  input: { groupId: string; user: string; triggerId: string; reason?: string },
): Promise<Outcome> {
  const { rollback, chat } = deps;
  const { user } = input;
  const prepared = await prepareRollback(rollback, { groupId: input.groupId, user });
  if (prepared.kind !== 'ok') return prepared;
  const { group, target, requestId } = prepared;
  const dialog = {
    meta: {
      groupId: group.id,
      target: target.name,
      requestId,
      plan: null,
      ...(input.reason ? { reason: input.reason } : {}),
    },
    target,
    group,
    approvalMinutes: Math.round(rollback.options.approvalTtlMs / 60_000),
  };
  const { viewId } = await chat.openView(input.triggerId, { ...rollbackLoadingView(dialog) });
  const plan = await planRollback(rollback, prepared, user);
  const view =
    plan.kind === 'ok'
      ? rollbackPlanView({ ...dialog, meta: { ...dialog.meta, plan: plan.plan.summary } }, plan.plan)
      : rollbackPlanFailedView(dialog, plan.error);
  // the user may have closed the dialog meanwhile: then there is nobody to tell
  await chat
    .updateView(viewId, { ...view })
    .catch((err) => rollback.logger.warn({ err, user }, 'could not update the dialog'));
  return OK;
}

/**
 * Thin handlers for the rollback flow: ack Slack at once, run a use case, answer privately when it says no.
 * Only `body.user.id` (the user Slack signed for) is trusted; buttons and the dialog's metadata carry ids only.
 */
export function registerRollbackActions(app: App, deps: RollbackActionDeps): void {
  const { rollback, chat } = deps;
  const log = rollback.logger.child({ module: 'rollback-actions' });

  const tell = async (channel: string | undefined, user: string, text: string) => {
    if (channel) await chat.postEphemeral(channel, user, text);
    else log.warn({ user, text }, 'no channel to tell the user in');
  };
  /** Runs a step; a failure is logged and told to the user, never left unanswered. */
  const guarded = async (
    name: string,
    user: string,
    channel: () => Promise<string | undefined>,
    fn: () => Promise<void>,
  ) => {
    try {
      await fn();
    } catch (err) {
      log.error({ err, action: name, user }, 'rollback action failed');
      await tell(await channel().catch(() => undefined), user, MESSAGES.failedToRecord).catch((e) =>
        log.warn({ err: e }, 'could not tell the user about the failure'),
      );
    }
  };
  const onButton = (
    name: string,
    fn: (value: string, user: string, body: BlockAction) => Promise<Outcome>,
  ) => {
    app.action<BlockAction<ButtonAction>>(name, async ({ ack, body, action }) => {
      await ack();
      deps.metrics.interactions.inc({ action: name });
      const user = body.user.id;
      const channel = body.channel?.id ?? body.container?.channel_id;
      await guarded(
        name,
        user,
        async () => channel,
        async () => {
          const outcome = await fn(action.value ?? '', user, body);
          if (outcome.kind !== 'ok') await tell(channel, user, refusalText(outcome));
        },
      );
    });
  };

  /**
   * A button acts only on the group of the message it was clicked on: a value naming another group (or a request
   * of another group) is a forged or misplaced click. The user is told; nothing else happens.
   */
  const onItsMessage = async (name: string, groupId: string, user: string, body: BlockAction) => {
    const shown = await groupOfClickedMessage(rollback.alerts, body);
    if (shown === groupId) return true;
    log.warn({ action: name, user, groupId, shown }, 'button value names another group than its message');
    const channel = body.channel?.id ?? body.container?.channel_id;
    await tell(channel, user, shown ? MESSAGES.notThisMessage : MESSAGES.groupGone);
    return false;
  };
  /** Approve and Cancel name a request: it must be one made from the clicked message's group. */
  const onRequest =
    (name: string, useCase: (requestId: string, user: string) => Promise<Outcome>) =>
    async (requestId: string, user: string, body: BlockAction): Promise<Outcome> => {
      const record = await rollback.rollbacks.get(requestId);
      if (!record) return { kind: 'request_gone' };
      if (!(await onItsMessage(name, record.groupId, user, body))) return OK;
      return useCase(requestId, user);
    };

  onButton(ACTION_IDS.rollback, async (groupId, user, body) => {
    if (!(await onItsMessage(ACTION_IDS.rollback, groupId, user, body))) return OK;
    return openRollbackDialog(deps, { groupId, user, triggerId: body.trigger_id });
  });
  onButton(
    ACTION_IDS.rollbackApprove,
    onRequest(ACTION_IDS.rollbackApprove, (requestId, user) =>
      approveRollback(rollback, deps.runner, { requestId, user }),
    ),
  );
  onButton(
    ACTION_IDS.rollbackCancel,
    onRequest(ACTION_IDS.rollbackCancel, (requestId, user) => cancelRollback(rollback, { requestId, user })),
  );

  app.view<ViewSubmitAction>(CALLBACK_IDS.rollbackConfirm, async ({ ack, body, view }) => {
    await ack(); // closes the dialog; what follows is told in the channel and the thread
    deps.metrics.interactions.inc({ action: CALLBACK_IDS.rollbackConfirm });
    const user = body.user.id;
    const meta = decodeDialogMeta(view.private_metadata);
    if (!meta) {
      log.warn({ user }, 'rollback dialog submitted without mogo metadata; ignored');
      return;
    }
    const channel = async () => (await rollback.alerts.getMessage(meta.groupId))?.channel;
    await guarded(CALLBACK_IDS.rollbackConfirm, user, channel, async () => {
      const outcome = await submitRollback(rollback, deps.runner, { ...meta, user });
      if (outcome.kind !== 'ok') await tell(await channel(), user, refusalText(outcome));
    });
  });
}
