import type { App, BlockAction, ButtonAction, ViewSubmitAction } from '@slack/bolt';
import { priorityRank } from '../domain/alert';
import { type Severity, severityForPriority } from '../domain/incident';
import {
  type DeclareOutcome,
  declareIncident,
  type IncidentService,
  markMessage,
  memberJoined,
} from '../incidents/incident-service';
import type { Logger } from '../logger';
import type { AlertStore, Chat, Placements } from '../ports';
import { groupOfClickedMessage } from './actions/clicked-message';
import { denialText } from './blocks/access-text';
import { ACTION_IDS, CALLBACK_IDS } from './blocks/action-ids';
import { declareModal, declareValues, decodeDeclareMeta } from './blocks/incident-modal';
import { MESSAGES } from './blocks/rollback-text';

export interface IncidentSurfaceDeps {
  incidents: IncidentService;
  alerts: AlertStore;
  chat: Chat;
  logger: Logger;
  /** The storm roll-up's Declare incident button declares from its groups. */
  placements: Pick<Placements, 'getRollup'>;
}

export interface OpenDeclare {
  triggerId: string;
  user: string;
  channel: string;
  title?: string;
  severity?: Severity | undefined;
  /** The alert group whose button was clicked, and its message. */
  groupId?: string;
  /** Groups chosen beforehand (a roll-up's firing groups). */
  groupIds?: string[];
  ts?: string;
}

const OPEN_GROUPS_LISTED = 100;

/** Opens the declare modal: the clicked group chosen, its priority as the severity, the clicker as lead. */
export async function openDeclareModal(
  deps: Pick<IncidentSurfaceDeps, 'incidents' | 'alerts' | 'chat'>,
  o: OpenDeclare,
): Promise<void> {
  const open = await deps.alerts.listGroups({ status: 'firing', limit: OPEN_GROUPS_LISTED });
  const clicked = o.groupId
    ? (open.find((g) => g.id === o.groupId) ?? (await deps.alerts.getGroup(o.groupId)))
    : null;
  const groups = clicked && !open.some((g) => g.id === clicked.id) ? [clicked, ...open] : open;
  groups.sort((a, b) => priorityRank(a.routing.priority) - priorityRank(b.routing.priority));
  const chosen = groups.filter((g) => g.id === clicked?.id || o.groupIds?.includes(g.id));
  await deps.chat.openView(
    o.triggerId,
    declareModal({
      meta: { channel: o.channel, ...(o.ts ? { ts: o.ts } : {}) },
      title: o.title ?? '',
      severity: o.severity ?? (chosen[0] ? severityForPriority(chosen[0].routing.priority) : 'SEV3'),
      lead: o.user,
      openGroups: groups,
      selected: clicked ? [clicked.id] : (o.groupIds ?? []),
    }) as unknown as Record<string, unknown>,
  );
}

function declaredText(out: DeclareOutcome): string {
  switch (out.kind) {
    case 'declared': {
      const also =
        out.alreadyLinked.length > 0
          ? ` (${out.alreadyLinked.length} alert(s) were already in an open incident and stay there)`
          : '';
      const where =
        out.incident.mode === 'channel' ? 'its channel is being set up' : 'it lives in the alert thread';
      return `:rotating_light: Incident ${out.incident.number} declared (${out.incident.severity}): ${where}.${also}`;
    }
    case 'exists': {
      const where =
        out.incident.channelId && out.incident.mode === 'channel' ? ` in <#${out.incident.channelId}>` : '';
      return `Those alerts are already in incident ${out.incident.number}${where}.`;
    }
    case 'denied':
      return denialText(out.denial);
  }
}

/** The Declare incident button, the declare modal, and the Slack events that feed the timeline. */
export function registerIncidentSurface(app: App, deps: IncidentSurfaceDeps): void {
  const log = deps.logger.child({ module: 'incident-surface' });
  const { incidents } = deps;
  const tell = (channel: string | undefined, user: string, text: string) =>
    channel
      ? deps.chat
          .postEphemeral(channel, user, text)
          .catch((err) => log.warn({ err }, 'could not tell the user'))
      : undefined;

  app.action<BlockAction<ButtonAction>>(ACTION_IDS.declareIncident, async ({ ack, body, action }) => {
    await ack();
    const channel = body.channel?.id ?? body.container?.channel_id;
    const ts = body.message?.ts ?? body.container?.message_ts;
    try {
      if (action.value?.startsWith('rollup:')) {
        const rollup = await deps.placements.getRollup(action.value.slice('rollup:'.length));
        if (!rollup?.ref || rollup.ref.ts !== ts) {
          await tell(channel, body.user.id, 'That storm roll-up is gone; try `/incident declare`.');
          return;
        }
        const firing = rollup.members.filter((g) => g.status === 'firing').map((g) => g.id);
        await openDeclareModal(deps, {
          triggerId: body.trigger_id,
          user: body.user.id,
          channel: channel ?? '',
          groupIds: firing,
        });
        return;
      }
      // like every group button: only the group of the message it was clicked on (its thread holds the incident)
      const shown = await groupOfClickedMessage(deps.alerts, body);
      if (shown !== action.value) {
        log.warn({ user: body.user.id, groupId: action.value, shown }, 'declare button names another group');
        await tell(channel, body.user.id, shown ? MESSAGES.notThisMessage : MESSAGES.groupGone);
        return;
      }
      const existing = await incidents.deps.incidents.findOpenByGroup(action.value);
      if (existing) {
        await tell(channel, body.user.id, declaredText({ kind: 'exists', incident: existing }));
        return;
      }
      await openDeclareModal(deps, {
        triggerId: body.trigger_id,
        user: body.user.id,
        channel: channel ?? '',
        groupId: action.value,
        ...(ts ? { ts } : {}),
      });
    } catch (err) {
      log.error({ err }, 'declare button failed');
      await tell(
        channel,
        body.user.id,
        'Sorry, mogo could not open the declare dialog just now. Try `/incident declare`.',
      );
    }
  });

  app.view<ViewSubmitAction>(CALLBACK_IDS.incidentDeclare, async ({ ack, body, view }) => {
    const values = declareValues(view.state.values as never);
    if (!values.title.trim()) {
      await ack({ response_action: 'errors', errors: { incident_title: 'Give the incident a title.' } });
      return;
    }
    await ack();
    const meta = decodeDeclareMeta(view.private_metadata);
    const user = body.user.id;
    try {
      const out = await declareIncident(incidents.deps, {
        user,
        title: values.title,
        ...(values.severity ? { severity: values.severity } : {}),
        ...(values.lead ? { lead: values.lead } : {}),
        groupIds: values.groupIds,
        ...(meta?.channel ? { from: { channel: meta.channel, ...(meta.ts ? { ts: meta.ts } : {}) } } : {}),
      });
      await tell(meta?.channel, user, declaredText(out));
    } catch (err) {
      log.error({ err, user }, 'declaring failed');
      await tell(
        meta?.channel,
        user,
        'Sorry, mogo could not declare the incident just now. Please try again.',
      );
    }
  });

  app.event('reaction_added', async ({ event }) => {
    if (event.reaction !== incidents.deps.settings.timelineReaction || event.item.type !== 'message') return;
    await markMessage(incidents.deps, {
      channel: event.item.channel,
      ts: event.item.ts,
      by: event.user,
      ...(event.item_user ? { author: event.item_user } : {}),
    }).catch((err) => log.warn({ err }, 'reaction not recorded on the timeline'));
  });

  app.event('pin_added', async ({ event }) => {
    const item = event.item as {
      type?: string;
      message?: { ts?: string; user?: string; text?: string; thread_ts?: string };
    };
    const m = item.message;
    if (item.type !== 'message' || !m?.ts) return;
    await markMessage(incidents.deps, {
      channel: event.channel_id,
      ts: m.ts,
      by: event.user,
      ...(m.user ? { author: m.user } : {}),
      ...(m.text !== undefined ? { text: m.text } : {}),
      ...(m.thread_ts ? { threadTs: m.thread_ts } : {}),
    }).catch((err) => log.warn({ err }, 'pin not recorded on the timeline'));
  });

  app.event('member_joined_channel', async ({ event }) => {
    await memberJoined(incidents.deps, event.channel, event.user, event.event_ts).catch((err) =>
      log.warn({ err }, 'join not recorded on the timeline'),
    );
  });
}
