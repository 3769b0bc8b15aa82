import type { AlertGroup } from '../../domain/group';
import { silenceCovers } from '../../domain/silence-match';
import type { SilenceRecord } from '../../ports';
import { distinguishingLabels, sharedOf } from './alert-lines';
import { code, escapeText, slackDate, truncate } from './mrkdwn';

export type ActiveSilence = Pick<
  SilenceRecord,
  'id' | 'scope' | 'fingerprint' | 'createdBy' | 'endsAt' | 'comment' | 'matchers'
>;

/** A group's active silences made by mogo (present only when real silences are configured). */
export interface SilenceView {
  active: readonly ActiveSilence[];
}

/** ":no_bell: Silenced by @alice until …: the whole group · “disk swap”". Pure. */
export function silenceLine(group: AlertGroup, s: ActiveSilence): string {
  let what = 'the whole group';
  if (s.scope === 'alert') {
    const alert = group.alerts.find((a) => a.fingerprint === s.fingerprint);
    const labels = alert
      ? distinguishingLabels(alert, sharedOf(group)).map(([k, v]) => code(`${k}=${v}`))
      : [];
    what = labels.length > 0 ? `one alert: ${labels.join(' ')}` : 'one alert';
  }
  const comment = s.comment ? ` · “${escapeText(truncate(s.comment, 200))}”` : '';
  return `:no_bell: Silenced by <@${s.createdBy}> until ${slackDate(s.endsAt.toISOString())}: ${what}${comment}`;
}

/** Fingerprints of the group's alerts an active silence covers. */
export function silencedFingerprints(group: AlertGroup, view: SilenceView | undefined): Set<string> {
  const out = new Set<string>();
  for (const s of view?.active ?? []) {
    if (s.scope === 'group') {
      for (const a of group.alerts) if (silenceCovers(s.matchers, a.labels)) out.add(a.fingerprint);
    } else if (s.fingerprint) out.add(s.fingerprint);
  }
  return out;
}
