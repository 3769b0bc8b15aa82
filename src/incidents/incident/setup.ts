import type { AlertGroup } from '../../domain/group';
import { channelNameFor, type Incident } from '../../domain/incident';
import { postmortemOf } from '../../domain/postmortem';
import { AppError, isAppError } from '../../errors';
import type { IncidentChange, MessageRef, SetupStep } from '../../ports';
import { onCallUser } from '../../rules/oncall';
import { createIncidentChannel, MAX_NAME_ATTEMPTS, nameAt } from './channel-step';
import { isPendingThread } from './declare';
import { type IncidentDeps, subjectOf } from './deps';
import { firstTimes, incidentRecord } from './timeline';

export interface StepDone {
  result: Record<string, unknown>;
  change?: IncidentChange;
}

interface StepContext {
  deps: IncidentDeps;
  step: SetupStep;
  incident: Incident;
  groups: AlertGroup[];
}

type Runner = (ctx: StepContext) => Promise<StepDone>;

const MAX_BOOKMARKS = 3;
const done: StepDone = { result: {} };

function channelOf(incident: Incident): string {
  if (!incident.channelId)
    throw new AppError('SLACK_CHANNEL_NOT_FOUND', `incident ${incident.number} has no channel yet`);
  return incident.channelId;
}

/** Where messages about the incident go: its channel, or its thread's channel. */
function homeOf(incident: Incident): MessageRef | { channel: string; ts: null } {
  const channel = channelOf(incident);
  return incident.mode === 'thread' && !isPendingThread(incident.threadTs)
    ? { channel, ts: incident.threadTs! }
    : { channel, ts: null };
}

/** Who is invited: the lead and role holders, who declared it, and the on-call of each linked group's team. */
export function inviteesOf(
  deps: Pick<IncidentDeps, 'rules' | 'clock'>,
  incident: Incident,
  groups: AlertGroup[],
): string[] {
  const rules = deps.rules.current();
  const onCall = groups
    .map((g) => g.routing.team)
    .filter((t): t is string => typeof t === 'string')
    .map((team) => onCallUser(rules.rotations ?? [], team, deps.clock.now()))
    .filter((u): u is string => u !== undefined);
  return [...new Set([...Object.values(incident.roles), incident.declaredBy, ...onCall])];
}

const RUNNERS: Record<string, Runner> = {
  async channel({ deps, step, incident }) {
    return incident.channelId ? done : createIncidentChannel(deps, step, incident);
  },

  async topic({ deps, incident }) {
    await deps.chat.setTopic(channelOf(incident), deps.words.topic(incident));
    return done;
  },

  async invite({ deps, incident, groups }) {
    const users = inviteesOf(deps, incident, groups);
    await deps.chat.invite(channelOf(incident), users);
    return { result: { invited: users } };
  },

  async summary({ deps, step, incident, groups }) {
    const message = deps.words.summary({ incident, groups });
    let ts = typeof step.result.ts === 'string' ? step.result.ts : null;
    const home = homeOf(incident);
    const patch: IncidentChange['patch'] = {};
    if (ts === null) {
      if (incident.mode === 'thread' && home.ts !== null) {
        // the thread's first reply; the alert message itself stays the alert's
        ts = (await deps.chat.post(home.channel, { ...message, threadTs: home.ts })).ts;
      } else {
        ts = (await deps.chat.post(home.channel, message, { urgent: true })).ts;
        if (incident.mode === 'thread') patch.threadTs = ts;
      }
      await deps.incidents.recordStep(step, { ts });
    }
    if (incident.mode === 'channel') await deps.chat.pin({ channel: home.channel, ts });
    return { result: { ts }, change: { patch: { ...patch, summaryTs: ts } } };
  },

  async bookmarks({ deps, step, incident, groups }) {
    const links = bookmarksOf(groups).slice(0, MAX_BOOKMARKS);
    const from = Number(step.result.added ?? 0);
    for (let i = from; i < links.length; i++) {
      await deps.chat.addBookmark(channelOf(incident), links[i]!.title, links[i]!.link);
      await deps.incidents.recordStep(step, { added: i + 1 });
    }
    return { result: { added: links.length } };
  },

  async announce({ deps, incident, groups }) {
    const channel = deps.settings.broadcastChannel;
    if (!channel || incident.announcement) return done;
    const ref = await deps.chat.post(channel, deps.words.announcement({ incident, groups }));
    return { result: { ...ref }, change: { patch: { announcement: ref } } };
  },

  async alert_threads({ deps, step, incident, groups }) {
    const replied = new Set((step.result.replied as string[] | undefined) ?? []);
    for (const g of groups) {
      if (replied.has(g.id)) continue;
      const m = await deps.alerts.getMessage(g.id);
      if (
        m &&
        !(incident.mode === 'thread' && m.channel === incident.channelId && m.ts === incident.threadTs)
      )
        await deps.chat.reply({ channel: m.channel, ts: m.ts }, deps.words.linkedAlert(incident));
      replied.add(g.id);
      await deps.incidents.recordStep(step, { replied: [...replied] });
    }
    return done;
  },

  /** The channel follows a new title; a name in use gets a suffix, as at creation. */
  async rename({ deps, incident }) {
    if (incident.mode !== 'channel' || !incident.channelId || incident.archivedAt) return done;
    const base = channelNameFor(deps.settings.channelPattern, incident, incident.declaredAt);
    if (incident.channelName === base) return done;
    for (let attempt = 1; attempt <= MAX_NAME_ATTEMPTS; attempt++) {
      const name = nameAt(base, attempt);
      try {
        const r = await deps.chat.renameChannel(incident.channelId, name);
        return { result: { name: r.name }, change: { patch: { channelName: r.name } } };
      } catch (e) {
        if (!isAppError(e) || e.code !== 'SLACK_NAME_TAKEN') throw e;
      }
    }
    return { result: { failed: 'no free name' } };
  },

  /** The summary, the announcement and the topic, edited in place to show the incident as it is now. */
  async refresh({ deps, incident, groups }) {
    const view = { incident, groups };
    if (incident.summaryTs && incident.channelId)
      await deps.chat.update(
        { channel: incident.channelId, ts: incident.summaryTs },
        deps.words.summary(view),
      );
    if (incident.announcement) await deps.chat.update(incident.announcement, deps.words.announcement(view));
    if (incident.mode === 'channel' && incident.channelId && !incident.archivedAt)
      await deps.chat.setTopic(incident.channelId, deps.words.topic(incident));
    return done;
  },

  async postmortem({ deps, incident }) {
    const record = await incidentRecord(deps, incident);
    const file = deps.words.postmortem(postmortemOf({ ...record, ...firstTimes(record) }));
    await deps.chat.uploadFile(channelOf(incident), file);
    return { result: { bytes: file.content.length } };
  },

  async archive({ deps, incident }) {
    if (incident.mode !== 'channel' || incident.archivedAt || !incident.channelId) return done;
    await deps.chat.archive(incident.channelId);
    return {
      result: {},
      change: {
        patch: { archivedAt: deps.clock.now() },
        audit: [
          {
            actor: 'mogo',
            action: 'incident.archived',
            subject: subjectOf(incident),
            details: { channel: incident.channelId },
          },
        ],
      },
    };
  },
};

function bookmarksOf(groups: AlertGroup[]): { title: string; link: string }[] {
  const out = new Map<string, string>();
  for (const g of groups) {
    const runbook = g.commonAnnotations.runbook_url ?? g.alerts[0]?.annotations.runbook_url;
    if (runbook && /^https?:\/\//.test(runbook)) out.set(runbook, 'Runbook');
    const source = g.alerts[0]?.generatorURL;
    if (source && /^https?:\/\//.test(source)) out.set(source, 'Alert source');
  }
  return [...out].map(([link, title]) => ({ title, link }));
}

/** Runs one leased step; a step nobody knows (a newer replica's) is done with a note rather than retried forever. */
export async function runStep(deps: IncidentDeps, step: SetupStep): Promise<StepDone> {
  const incident = await deps.incidents.get(step.incidentId);
  if (!incident) return { result: { skipped: 'incident gone' } };
  const runner = RUNNERS[step.step];
  if (!runner) return { result: { skipped: 'unknown step' } };
  const groups = (await Promise.all(incident.groupIds.map((id) => deps.alerts.getGroup(id)))).filter(
    (g): g is AlertGroup => g !== null,
  );
  return runner({ deps, step, incident, groups });
}
