import { helpCommand } from './help';
import { oncallCommand } from './oncall';
import type { Subcommand } from './registry';
import { reportCommand } from './report';
import { statusCommand } from './status';

/**
 * Every `/incident` subcommand, in the order help lists them. Adding one is a file in this folder exporting a
 * `Subcommand` (its help text beside its handler) and one line here.
 */
export const SUBCOMMANDS: readonly Subcommand[] = [
  statusCommand,
  oncallCommand,
  reportCommand,
  helpCommand, // keep last
];
