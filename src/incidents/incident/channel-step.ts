import { channelNameFor, channelNameWithSuffix, type Incident } from '../../domain/incident';
import { AppError, isAppError } from '../../errors';
import type { ListedChannel, SetupStep } from '../../ports';
import { type IncidentDeps, subjectOf } from './deps';
import type { StepDone } from './setup';

export const MAX_NAME_ATTEMPTS = 20;
/** Pages of the channel list one search reads at most (about 10,000 channels; Tier 2, so about half a minute). */
export const MAX_SEARCH_PAGES = 10;
/** Slack's clock and ours may disagree a little; a channel made well before the incident is not its channel. */
const CLOCK_SKEW_MS = 5 * 60_000;

/** Where a search stopped: the step goes on from there after a deferral instead of reading page 1 again. */
interface Search {
  name: string;
  from: string | null;
  pages: number;
}

/** What the channel step records as it goes: the name tried last (before sending it), and a search under way. */
interface Progress {
  attempt?: number;
  name?: string;
  search?: Search | null;
}

export function nameAt(base: string, attempt: number): string {
  return attempt === 1 ? base : channelNameWithSuffix(base, attempt);
}

/**
 * Creates the incident's channel, `-2`, `-3`… while a name is taken. Every name is recorded before Slack is
 * asked, so a step taken again (the process died, or the answer was lost) knows Slack may already have made
 * it: if that name is now taken, the channel list is searched for it (bounded), and a channel mogo itself made
 * since the declaration, and no other incident lives in, is this incident's and is kept (a pattern without
 * `{n}` can give two incidents declared a minute apart the same name). Anyone else's channel, or none found, goes on to the
 * next suffix. A first try that finds the name taken (a person's channel) goes straight to the suffix.
 */
export async function createIncidentChannel(
  deps: IncidentDeps,
  step: SetupStep,
  incident: Incident,
): Promise<StepDone> {
  const base = channelNameFor(deps.settings.channelPattern, incident, incident.declaredAt);
  const opts = { private: deps.settings.privateSeverities.includes(incident.severity) };
  const was = step.result as Progress;
  const first = Number(was.attempt ?? 1);
  for (let attempt = first; attempt <= MAX_NAME_ATTEMPTS; attempt++) {
    const again = attempt === first && was.attempt !== undefined;
    const name = again && typeof was.name === 'string' ? was.name : nameAt(base, attempt);
    const search = again && was.search?.name === name ? was.search : null;
    if (!again) await deps.incidents.recordStep(step, { attempt, name, search: null });
    // a search under way means Slack already answered name_taken for this name
    if (!search) {
      try {
        return channelStepDone(incident, await deps.chat.createChannel(name, opts), false);
      } catch (e) {
        if (!isAppError(e) || e.code !== 'SLACK_NAME_TAKEN') throw e;
        if (!again) continue;
      }
    }
    const found = await searchChannel(deps, step, search ?? { name, from: null, pages: 0 });
    if (found && isOurs(found, incident) && !(await deps.incidents.findByChannel(found.id))) {
      deps.logger
        .child({ module: 'incident-setup' })
        .info(
          { incident: incident.number, channel: found.id, name },
          'kept the channel made before a restart',
        );
      return channelStepDone(incident, found, true);
    }
  }
  throw new AppError(
    'SLACK_NAME_TAKEN',
    `no free channel name for incident ${incident.number} after ${MAX_NAME_ATTEMPTS} tries`,
  );
}

/** Reads the channel list page by page from where the step left it, recording each page's end. */
async function searchChannel(deps: IncidentDeps, step: SetupStep, at: Search): Promise<ListedChannel | null> {
  let { from, pages } = at;
  while (pages < MAX_SEARCH_PAGES) {
    const page = await deps.chat.findChannel(at.name, from);
    pages++;
    if (page.channel || page.next === null) return page.channel;
    from = page.next;
    await deps.incidents.recordStep(step, { search: { name: at.name, from, pages } });
  }
  return null;
}

function isOurs(channel: ListedChannel, incident: Incident): boolean {
  return channel.byMogo && channel.createdAt.getTime() >= incident.declaredAt.getTime() - CLOCK_SKEW_MS;
}

function channelStepDone(incident: Incident, ch: { id: string; name: string }, kept: boolean): StepDone {
  return {
    result: { channel: ch.id, name: ch.name },
    change: {
      patch: { channelId: ch.id, channelName: ch.name },
      audit: [
        {
          actor: 'mogo',
          action: 'incident.channel_created',
          subject: subjectOf(incident),
          details: { channel: ch.id, name: ch.name, ...(kept ? { found: true } : {}) },
        },
      ],
    },
  };
}
