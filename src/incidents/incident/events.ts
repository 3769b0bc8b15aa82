import { type Incident, nextReminderAt } from '../../domain/incident';
import { isPendingThread } from './declare';
import { type IncidentDeps, subjectOf } from './deps';

/** A Slack ts ("1700000000.000100") as the time it was written. */
export function timeOfTs(ts: string): Date {
  return new Date(Math.round(Number(ts) * 1000));
}

/** The incident a message in `channel` (and thread) belongs to. */
async function incidentAt(
  deps: IncidentDeps,
  channel: string,
  ts: string,
  threadTs?: string,
): Promise<Incident | null> {
  const inChannel = await deps.incidents.findByChannel(channel);
  if (inChannel) return inChannel;
  // thread mode: the message is in the incident's thread, or is the alert message that holds it
  return deps.incidents.findByChannel(channel, threadTs ?? ts);
}

export interface MarkedMessage {
  channel: string;
  ts: string;
  /** Who wrote the message, when the event says (pin_added carries the message; reaction_added its author). */
  author?: string;
  /** The message text when the event carried it. */
  text?: string;
  threadTs?: string;
  /** Who reacted or pinned. */
  by: string;
}

export type MarkOutcome = { kind: 'added' | 'already'; incident: Incident } | { kind: 'not_an_incident' };

/**
 * A message marked for the timeline (the configured reaction, or a pin) becomes an entry with the message's
 * own time and author. Its text is read once, by ts (one message, never the history); marking it again, or
 * Slack delivering the event twice, adds nothing.
 */
export async function markMessage(deps: IncidentDeps, m: MarkedMessage): Promise<MarkOutcome> {
  const incident = await incidentAt(deps, m.channel, m.ts, m.threadTs);
  if (!incident || incident.status === 'closed') return { kind: 'not_an_incident' };
  if (m.ts === incident.summaryTs) return { kind: 'already', incident };
  const sourceRef = `message:${m.channel}:${m.ts}`;
  if ((await deps.incidents.timeline(incident.id)).some((e) => e.sourceRef === sourceRef))
    return { kind: 'already', incident };
  let text = m.text;
  let author = m.author ?? null;
  if (text === undefined) {
    const found = await deps.chat.messageAt(m.channel, m.ts).catch((err) => {
      deps.logger.warn(
        { err, channel: m.channel, ts: m.ts },
        'could not read the marked message; recording its time and author only',
      );
      return null;
    });
    text = found?.text;
    author ??= found?.user ?? null;
  }
  const added = await deps.incidents.addTimeline(
    incident.id,
    [
      {
        kind: 'message',
        at: timeOfTs(m.ts),
        author,
        text: text?.slice(0, 3000) || `(message ${m.ts})`,
        sourceRef,
      },
    ],
    { updated: true },
  );
  if (added > 0)
    deps.audit.append({
      actor: m.by,
      action: 'incident.message_marked',
      subject: subjectOf(incident),
      details: { channel: m.channel, ts: m.ts },
    });
  return { kind: added > 0 ? 'added' : 'already', incident };
}

/** Someone joined the incident channel: on the timeline (once per join event). */
export async function memberJoined(
  deps: IncidentDeps,
  channel: string,
  user: string,
  eventTs: string,
): Promise<boolean> {
  const incident = await deps.incidents.findByChannel(channel);
  if (incident?.mode !== 'channel' || incident.status === 'closed') return false;
  const added = await deps.incidents.addTimeline(incident.id, [
    {
      kind: 'joined',
      at: timeOfTs(eventTs),
      author: user,
      text: 'joined the channel',
      sourceRef: `joined:${channel}:${user}:${eventTs}`,
    },
  ]);
  return added > 0;
}

/** Posts the update reminder of every open incident whose severity's period passed without an update. */
export async function remindDue(deps: IncidentDeps): Promise<number> {
  const now = deps.clock.now();
  let sent = 0;
  for (const { incident, lastUpdateAt } of await deps.incidents.listOpen()) {
    const due = nextReminderAt(incident, lastUpdateAt, deps.settings.reminders);
    if (!due || due > now || !incident.channelId) continue;
    await deps.incidents.markReminded(incident.id, now);
    const home = incident.mode === 'thread' && !isPendingThread(incident.threadTs) ? incident.threadTs : null;
    const text = deps.words.reminder(incident);
    await (home
      ? deps.chat.reply({ channel: incident.channelId, ts: home }, text)
      : deps.chat.post(incident.channelId, { text, blocks: [] })
    ).catch((err) => deps.logger.warn({ err, incident: incident.id }, 'update reminder not posted'));
    sent++;
  }
  return sent;
}
