import type { OnCall, OnCallShift } from '../../rules';
import { escapeText, slackDate } from './mrkdwn';

const who = (s: OnCallShift) => (s.user ? `<@${s.user}>` : 'nobody');
const overridden = (s: OnCallShift) => (s.override ? ' (override)' : '');

/** One team: who is on call now (until the hand-off) and who is next (from when, until when). */
export function onCallText(o: OnCall): string {
  const now = `On call now: ${who(o.now)}${overridden(o.now)} until ${slackDate(o.now.until.toISOString())}`;
  const next = o.next
    ? `Next: ${who(o.next)}${overridden(o.next)} from ${slackDate(o.next.from.toISOString())} until ${slackDate(o.next.until.toISOString())}`
    : 'Next: nobody else is in the rotation';
  return `*${escapeText(o.team)}* (${escapeText(o.rotation.label)})\n${now}\n${next}`;
}

export function noRotationsText(): string {
  return 'No on-call rotations are set up. Add a `rotations:` list to a rule file (see docs/rules.md).';
}

export function unknownTeamText(team: string, known: readonly string[], hint: string | undefined): string {
  const suggestion = hint ? ` Did you mean \`${escapeText(hint)}\`?` : '';
  return `No rotation for team \`${escapeText(team)}\`.${suggestion} Teams: ${known.map(escapeText).join(', ')}.`;
}
