import type { Priority } from '../../domain/alert';

/** The Block Kit limits the renderers must stay inside; Slack rejects the whole message otherwise. */
export const SLACK_LIMITS = {
  blocks: 50,
  sectionText: 3000,
  contextElements: 10,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  buttonUrl: 3000,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  fallbackText: 3000,
} as const;

export const PRIORITY_EMOJI: Record<Priority, string> = {
  P1: ':red_circle:',
  P2: ':large_orange_circle:',
  P3: ':large_yellow_circle:',
  P4: ':large_blue_circle:',
};
export const RESOLVED_EMOJI = ':white_check_mark:';
export const FIRING_EMOJI = ':fire:';

/** Cuts to at most `max` characters, marking the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max - 1)}…`;
}

/** Slack decodes exactly these three entities; anything else stays literal. */
export function escapeEntities(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const ZWJ = '\u200D';

/**
 * Text from an alert (or anyone else) shown as text in mrkdwn: the three entities escaped, so it can never be
 * a mention or a link, and each formatting character (* _ ~ `) fenced by zero-width joiners, so it can never
 * open or close bold, italics, strikethrough or code. Slack formats a marker only at a word boundary with a
 * non-space next to it; with a joiner on both sides one of the two conditions fails whichever way Slack
 * classes the joiner. It renders invisibly. Bare URLs are kept from becoming links by `verbatim: true` on
 * the text objects (see textObject).
 */
export function escapeText(text: string): string {
  return escapeEntities(text).replace(/[*_~`]/g, (c) => `${ZWJ}${c}${ZWJ}`);
}

/**
 * A mrkdwn text object whose text mogo composed from escaped parts: verbatim, so Slack does not turn bare URLs,
 * #channel names or @here into links or mentions (mogo's own `<@U…>` and `<!date…>` still work).
 */
export function textObject(text: string): { type: 'mrkdwn'; text: string; verbatim: true } {
  return { type: 'mrkdwn', text, verbatim: true };
}

/** Only http(s) URLs become links; anything else (javascript:, slack:, a typo) is shown as text. */
export function isWebUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/** A mrkdwn link for an http(s) URL (`|` would end the URL early, so it is percent-encoded); else plain text. */
export function link(url: string, label: string): string {
  if (!isWebUrl(url)) return `${escapeText(label)}: ${escapeText(url)}`;
  return `<${escapeEntities(url).replace(/\|/g, '%7C')}|${escapeText(label)}>`;
}

/** Inline code that survives a backtick or a line break inside the value (formatting never applies in it). */
export function code(text: string): string {
  return `\`${escapeEntities(text)
    .replace(/`/g, "'")
    .replace(/[\r\n]+/g, ' ')}\``;
}

/**
 * A timestamp each reader sees in their own time zone; the fallback (UTC) is shown by clients that cannot
 * format it. Derived from the data alone, so rendering stays deterministic.
 */
export function slackDate(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return escapeText(iso);
  const fallback = `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time}|${fallback}>`;
}

/**
 * Alertmanager's "new silence" page pre-filled with the group's labels, e.g.
 * http://am:9093/#/silences/new?filter=%7Balertname%3D%22X%22%7D. Null without an externalURL.
 */
export function silenceUrl(externalURL: string, labels: Record<string, string>): string | null {
  const base = externalURL.trim().replace(/\/+$/, '');
  if (base === '') return null;
  const matchers = Object.keys(labels)
    .sort()
    .map((k) => `${k}="${labels[k]!.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);
  return `${base}/#/silences/new?filter=${encodeURIComponent(`{${matchers.join(',')}}`)}`;
}
