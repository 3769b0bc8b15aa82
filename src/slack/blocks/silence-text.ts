import type { DurationProblem, SilenceOutcome, UnsilenceOutcome } from '../../incidents/silence';
import { formatDuration } from '../../rules/time';
import { denialText } from './access-text';
import { escapeText, slackDate } from './mrkdwn';

/** Words for a silence outcome, to the person who asked. Pure. */
export function silenceOutcomeText(o: SilenceOutcome): string {
  switch (o.kind) {
    case 'silenced': {
      const what = o.record.scope === 'group' ? 'the whole group' : 'one alert';
      const ms = o.record.endsAt.getTime() - o.record.startsAt.getTime();
      return `:no_bell: Silenced ${what} for ${formatDuration(ms)}, until ${slackDate(o.record.endsAt.toISOString())} (Alertmanager silence \`${escapeText(o.record.id)}\`).`;
    }
    case 'group_gone':
      return 'That alert group no longer exists.';
    case 'alert_gone':
      return 'That alert is no longer in its group.';
    case 'bad_duration':
      return `Not silenced: ${escapeText(durationProblemText(o))}.`;
    case 'no_matchers':
      return 'Not silenced: the alerts of this group share no label to silence them by. Silence one alert instead.';
    case 'denied':
      return `Not silenced: ${escapeText(denialText(o.denial))}`;
    case 'alertmanager_failed':
      return `Not silenced, nothing was changed: ${escapeText(o.message)}`;
  }
}

export function unsilenceOutcomeText(o: UnsilenceOutcome): string {
  switch (o.kind) {
    case 'unsilenced':
      return `:bell: Unsilenced (${o.records.length === 1 ? 'one silence' : `${o.records.length} silences`} expired in Alertmanager).`;
    case 'not_silenced':
      return 'Nothing to unsilence: mogo holds no active silence for it.';
    case 'denied':
      return `Not unsilenced: ${escapeText(denialText(o.denial))}`;
    case 'alertmanager_failed':
      return `Not unsilenced, nothing was changed: ${escapeText(o.message)}`;
  }
}

/** A refused silence duration, in words. */
export function durationProblemText(p: DurationProblem): string {
  switch (p.problem) {
    case 'not_a_duration':
      return `"${p.text}" is not a duration; use e.g. 90m, 2h or 1d`;
    case 'too_short':
      return 'a silence lasts at least 1m';
    case 'too_long':
      return 'a silence lasts at most 30d';
  }
}
