/** A label matcher as Alertmanager's silences hold it. */
export interface LabelMatcher {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual: boolean;
}

/**
 * Whether a silence's matchers select an alert with these labels, as Alertmanager decides it: regexes anchored,
 * a missing label reads as "". A group silence covers only the alerts its labels select, not every alert that
 * later joins the group.
 */
export function silenceCovers(matchers: readonly LabelMatcher[], labels: Record<string, string>): boolean {
  return matchers.every((m) => {
    const v = labels[m.name] ?? '';
    let hit: boolean;
    try {
      hit = m.isRegex ? new RegExp(`^(?:${m.value})$`).test(v) : v === m.value;
    } catch {
      hit = false;
    }
    return hit === m.isEqual;
  });
}
