import { ackCommand, unackCommand } from './ack';
import { helpCommand } from './help';
import { declareCommand } from './incident-declare';
import { followupCommand, noteCommand } from './incident-notes';
import {
  closeCommand,
  renameCommand,
  resolveCommand,
  roleCommand,
  severityCommand,
  withIncidentStatus,
} from './incident-steer';
import { listCommand } from './list';
import { oncallCommand } from './oncall';
import type { Subcommand } from './registry';
import { reportCommand } from './report';
import { rollbackCommand } from './rollback';
import { silenceCommand, unsilenceCommand } from './silence';
import { statusCommand } from './status';

/**
 * Every `/incident` subcommand, in the order help lists them. Adding one is a file in this folder exporting a
 * `Subcommand` (its help text beside its handler) and one line here (and its name in manifest.yml's usage hint).
 */
export const SUBCOMMANDS: readonly Subcommand[] = [
  withIncidentStatus(statusCommand),
  listCommand,
  ackCommand,
  unackCommand,
  silenceCommand,
  unsilenceCommand,
  rollbackCommand,
  oncallCommand,
  reportCommand,
  declareCommand,
  roleCommand,
  severityCommand,
  noteCommand,
  followupCommand,
  renameCommand,
  resolveCommand,
  closeCommand,
  helpCommand, // keep last
];
