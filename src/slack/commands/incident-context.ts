import type { Incident } from '../../domain/incident';
import type { IncidentRefusal, IncidentService, SteerOutcome } from '../../incidents/incident-service';
import { refusalText } from '../blocks/incident';
import { type CommandAnswer, type CommandContext, type Subcommand, say } from './registry';

const NUMBER = /^#?(\d{1,9})$/;

/** The args without an incident number (`#12`), and that number if one was given. */
export function splitNumber(args: readonly string[]): { number?: number; rest: string[] } {
  const i = args.findIndex((a) => NUMBER.test(a) && a.startsWith('#'));
  if (i < 0) return { rest: [...args] };
  return { number: Number(NUMBER.exec(args[i]!)![1]), rest: args.filter((_, j) => j !== i) };
}

export type Resolved =
  | { console: IncidentService; incident: Incident; rest: string[] }
  | { answer: CommandAnswer };

/** The incident a command is about: `#n` if given, else the incident whose channel the command was typed in. */
export async function incidentOf(ctx: CommandContext): Promise<Resolved> {
  const console = ctx.deps.incidents;
  if (!console) return { answer: say('Incidents are not enabled here.', 'refused') };
  const { number, rest } = splitNumber(ctx.args);
  const incident = await console.find(ctx.channel.id, number);
  if (!incident) return { answer: say(refusalText({ kind: 'not_found' }), 'not_found') };
  return { console, incident, rest };
}

/** A steering outcome as the command's answer; a change is said in the channel so everyone sees it. */
export function steered(out: SteerOutcome, done: (i: Incident) => string): CommandAnswer {
  if (out.kind !== 'ok') return say(refusalText(out as IncidentRefusal), out.kind);
  if (!out.changed) return say(`Nothing to change: ${done(out.incident)}`, 'unchanged');
  return say(done(out.incident), 'ok', true);
}

export interface IncidentCall {
  console: IncidentService;
  incident: Incident;
  /** The words after the verb, the incident number (`#12`) taken out. */
  rest: string[];
  /** The same words as one text. */
  text: string;
}

/** A subcommand about one incident: finds it (the channel's own, or `#n`), then acts on it. */
export function incidentSubcommand(spec: {
  name: string;
  usage: string;
  summary: string;
  act(ctx: CommandContext, call: IncidentCall): Promise<CommandAnswer>;
}): Subcommand {
  return {
    name: spec.name,
    usage: spec.usage,
    summary: spec.summary,
    async handle(ctx) {
      const r = await incidentOf(ctx);
      if ('answer' in r) return r.answer;
      return spec.act(ctx, { ...r, text: r.rest.join(' ').trim() });
    },
  };
}
