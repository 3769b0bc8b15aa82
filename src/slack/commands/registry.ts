import type { IncidentService } from '../../incidents/incident-service';
import type { RollbackDeps } from '../../incidents/rollback/deps';
import type { RollbackRunner } from '../../incidents/rollback/runner';
import type { SilenceDeps } from '../../incidents/silence';
import type { Logger } from '../../logger';
import type {
  AlertStore,
  AuditLog,
  Chat,
  ChatMessage,
  Clock,
  Directory,
  ReadCache,
  ReportRequest,
  RulesProvider,
} from '../../ports';

/**
 * What every `/incident` subcommand may use. The core is always there; a subcommand that needs more (a store,
 * a use case's deps) adds an optional field here and app.ts passes it, so registering stays one line.
 */
export interface CommandDeps {
  alerts: AlertStore;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
  /** Reads (open groups) come from here first: short-lived, shared by replicas when Redis is configured. */
  cache: ReadCache;
  rules: RulesProvider;
  directory: Directory;
  chat: Chat;
  /** A use case changed a group: render now. */
  onChanged: () => void;
  rollback?: { deps: RollbackDeps; runner: RollbackRunner };
  /** Present when silences are real (ALERTMANAGER_URL). */
  silence?: SilenceDeps;
  /** Queues a report for the background worker (`report`). */
  reports?: { request(request: ReportRequest): Promise<unknown> };
  /** Incidents (declare, roles, status, notes…); absent: those subcommands say incidents are off. */
  incidents?: IncidentService;
}

/** One `/incident` invocation, parsed. Only the ids Slack signed for are trusted. */
export interface CommandContext {
  /** The subcommand's name as typed, lower-cased (`status`). */
  verb: string;
  /** Words after the verb; a "quoted phrase" (straight or Slack's curly quotes) is one word, quotes removed. */
  args: string[];
  /** The text after the first `n` args, trimmed, one pair of surrounding quotes removed ("" if none). */
  restAfter(n: number): string;
  user: { id: string; name: string };
  channel: { id: string; name: string };
  /** Opens a modal for this command (valid 3 seconds after the command was sent). */
  triggerId: string;
  deps: CommandDeps;
  /** Every registered subcommand, for help. */
  subcommands: readonly Subcommand[];
}

/**
 * A subcommand's answer. `outcome` is a short stable word for the audit row (`ok`, `usage`, `not_found`,
 * `denied`, `refused`, `failed`…); the message is what the user sees, privately unless `inChannel`.
 */
export interface CommandAnswer {
  message: ChatMessage;
  outcome: string;
  inChannel?: boolean;
}

export interface Subcommand {
  name: string;
  /** Arguments after the name, as shown in help: `<id> <duration> [comment]`. */
  usage: string;
  /** One line for help. */
  summary: string;
  handle(ctx: CommandContext): Promise<CommandAnswer>;
}

export interface ParsedCommand {
  verb: string;
  args: string[];
  restAfter(n: number): string;
}

const OPEN_QUOTES = new Set(['"', '“', '”', '„']);
const CLOSE_QUOTES = new Set(['"', '“', '”']);

/** Splits `/incident` text into a verb and its words; quotes group words (Slack turns `"` into “ ”). */
export function parseCommandText(text: string): ParsedCommand {
  const tokens: { value: string; end: number }[] = [];
  let i = 0;
  const s = text;
  while (i < s.length) {
    while (i < s.length && /\s/.test(s[i]!)) i++;
    if (i >= s.length) break;
    if (OPEN_QUOTES.has(s[i]!)) {
      let j = i + 1;
      while (j < s.length && !CLOSE_QUOTES.has(s[j]!)) j++;
      tokens.push({ value: s.slice(i + 1, j), end: Math.min(j + 1, s.length) });
      i = j + 1;
      continue;
    }
    let j = i;
    while (j < s.length && !/\s/.test(s[j]!)) j++;
    tokens.push({ value: s.slice(i, j), end: j });
    i = j;
  }
  const [first, ...rest] = tokens;
  const verb = (first?.value ?? '').toLowerCase();
  return {
    verb,
    args: rest.map((t) => t.value),
    restAfter(n) {
      const from = n === 0 ? (first?.end ?? 0) : (rest[n - 1]?.end ?? s.length);
      return unquote(s.slice(from).trim());
    },
  };
}

function unquote(s: string): string {
  if (s.length >= 2 && OPEN_QUOTES.has(s[0]!) && CLOSE_QUOTES.has(s[s.length - 1]!)) {
    const inner = s.slice(1, -1);
    if (![...inner].some((c) => CLOSE_QUOTES.has(c))) return inner;
  }
  return s;
}

/** A plain-text answer (most refusals and confirmations are one line). */
export function say(text: string, outcome: string, inChannel = false): CommandAnswer {
  return {
    message: { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] },
    outcome,
    ...(inChannel ? { inChannel } : {}),
  };
}
