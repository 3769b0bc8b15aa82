/** Channel names and mention shorthands as rule authors write them, turned into what Slack expects. */

const CHANNEL_NAME = /^#[\p{Ll}\p{Lo}\p{N}_-]{1,80}$/u;
const CHANNEL_ID = /^[CG][A-Z0-9]{6,}$/;

/** "#name" (Slack channel names are lowercase, without spaces or dots) or a channel id such as "C0123ABCD". */
export function checkChannel(channel: string): string | undefined {
  if (CHANNEL_NAME.test(channel) || CHANNEL_ID.test(channel)) return undefined;
  return `channel "${channel}" must be a channel name starting with "#" (lowercase letters, digits, "-" and "_", e.g. "#alerts") or a channel id (e.g. "C0123ABCD")`;
}

/** `oncall:<team>`: whoever is on call for the team when the alert is routed (rules/oncall.ts). */
export const ONCALL = /^oncall:[a-z0-9][a-z0-9_-]{0,62}$/;

const SLACK_FORMS = [/^<@[UW][A-Z0-9]+>$/, /^<!subteam\^S[A-Z0-9]+(?:\|[^>]*)?>$/, /^<!(?:here|channel)>$/];

/**
 * "U…"/"W…" (user id) -> "<@U…>", "S…" (user group id) -> "<!subteam^S…>", "@here"/"@channel" -> "<!here>"/
 * "<!channel>"; the Slack forms themselves pass through. Returns undefined for anything else: Slack cannot
 * ping a display name such as "@alice" written in plain text.
 */
export function normaliseMention(m: string): string | undefined {
  if (SLACK_FORMS.some((re) => re.test(m))) return m;
  if (/^[UW][A-Z0-9]{2,}$/.test(m)) return `<@${m}>`;
  if (/^S[A-Z0-9]{2,}$/.test(m)) return `<!subteam^${m}>`;
  if (m === '@here' || m === '@channel') return `<!${m.slice(1)}>`;
  if (ONCALL.test(m)) return m;
  return undefined;
}

export function mentionProblem(m: string): string {
  return `mention "${m}" must be a Slack user id ("U0123ABCD"), a user group id ("S0123ABCD"), "@here", "@channel" or "oncall:<team>" (a team under "rotations:")`;
}
