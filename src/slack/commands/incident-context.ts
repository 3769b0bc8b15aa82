import type { Incident } from '../../domain/incident';
import type { IncidentRefusal, IncidentService, SteerOutcome } from '../../incidents/incident-service';
import { refusalText } from '../blocks/incident';
import { type CommandAnswer, type CommandContext, say } from './registry';

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
