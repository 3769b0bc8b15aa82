#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { isAppError } from '../errors';
import { serve } from '../main';
import { checkRules, formatProblem, loadRules } from '../rules';
import { auditExport, auditVerify } from './audit-commands';
import { openAuditDb } from './audit-db';
import { incidentExport } from './incident-command';
import { reportCommand } from './report-command';
import { summariseRules } from './rules-summary';
import { type Output, parseLabelArgs, rulesTestAll, rulesTestLabels, rulesTestPayload } from './rules-test';
import { HELP, type HelpTopic, isHelpFlag } from './usage';

const USAGE = HELP.mogo;

const stdio: Output = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

const defaultRulesDir = () => process.env.RULES_DIR ?? './rules';

/** Prints a help text: on stdout with exit 0 when asked for, on stderr with exit 2 after a usage mistake. */
function help(topic: HelpTopic, mistake?: string): number {
  if (mistake === undefined) {
    process.stdout.write(HELP[topic]);
    return 0;
  }
  process.stderr.write(`${mistake}\n\n${HELP[topic]}`);
  return 2;
}

export async function main(argv: string[]): Promise<number> {
  const [command, sub, ...rest] = argv;
  switch (command) {
    case 'serve':
      if (isHelpFlag(sub)) return help('serve');
      if (sub !== undefined)
        return help('serve', `mogo serve takes no arguments (got ${JSON.stringify(sub)})`);
      return runServe();
    case 'rules':
      if (isHelpFlag(sub) || sub === 'help') return help('rules');
      if (sub === 'check') return isHelpFlag(rest[0]) ? help('rules check') : rulesCheck(rest);
      if (sub === 'test') return rest.some(isHelpFlag) ? help('rules test') : rulesTest(rest);
      return help('rules', `unknown rules command ${JSON.stringify(sub ?? '')}`);
    case 'audit':
      if (
        isHelpFlag(sub) ||
        sub === 'help' ||
        ((sub === 'verify' || sub === 'export') && rest.some(isHelpFlag))
      )
        return help('audit');
      if (sub === 'verify' || sub === 'export') return audit(sub, rest);
      return help('audit', `unknown audit command ${JSON.stringify(sub ?? '')}`);
    case 'incident':
      if (isHelpFlag(sub) || sub === 'help' || rest.some(isHelpFlag)) return help('incident');
      if (sub === 'export') return incident(rest);
      return help('incident', `unknown incident command ${JSON.stringify(sub ?? '')}`);
    case 'report':
      if (isHelpFlag(sub) || rest.some(isHelpFlag)) return help('report');
      return report(argv.slice(1));
    case 'help':
    case '--help':
    case '-h':
    case undefined:
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
      return 2;
  }
}

async function audit(sub: 'verify' | 'export', args: string[]): Promise<number> {
  let db: Awaited<ReturnType<typeof openAuditDb>>;
  try {
    db = await openAuditDb(process.env);
  } catch (e) {
    process.stderr.write(`mogo audit ${sub}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  try {
    return await (sub === 'verify' ? auditVerify : auditExport)(db, args, stdio);
  } finally {
    await db.close();
  }
}

async function incident(args: string[]): Promise<number> {
  let db: Awaited<ReturnType<typeof openAuditDb>>;
  try {
    db = await openAuditDb(process.env);
  } catch (e) {
    process.stderr.write(`mogo incident export: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  try {
    return await incidentExport(db, args, stdio);
  } finally {
    await db.close();
  }
}

async function report(args: string[]): Promise<number> {
  let db: Awaited<ReturnType<typeof openAuditDb>>;
  try {
    db = await openAuditDb(process.env);
  } catch (e) {
    process.stderr.write(`mogo report: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  try {
    return await reportCommand(db, args, stdio, new Date());
  } finally {
    await db.close();
  }
}

async function runServe(): Promise<number> {
  // SIGHUP reloads the rules once serving; until then it must not kill a process that is still starting.
  const ignoreEarlyHup = () => process.stderr.write('SIGHUP ignored: still starting\n');
  process.on('SIGHUP', ignoreEarlyHup);
  try {
    const running = await serve(process.env);
    process.off('SIGHUP', ignoreEarlyHup);
    const onSignal = (signal: string) => {
      process.stderr.write(`received ${signal}\n`);
      running.stop().then(
        () => process.exit(0),
        (err) => {
          process.stderr.write(`shutdown failed: ${err}\n`);
          process.exit(1);
        },
      );
    };
    process.once('SIGTERM', () => onSignal('SIGTERM'));
    process.once('SIGINT', () => onSignal('SIGINT'));
    return -1; // keep running
  } catch (e) {
    process.stderr.write(`${startFailure(e, process.env.LOG_LEVEL)}\n`);
    return 1;
  }
}

/**
 * One line per problem, no stack: configuration and rule errors already list their problems; anything else
 * (database, port in use) is its code and message. The stack only at LOG_LEVEL=debug or trace.
 */
export function startFailure(e: unknown, logLevel: string | undefined): string {
  if (isAppError(e) && (e.code === 'CONFIG_INVALID' || e.code === 'RULES_INVALID'))
    return `mogo: ${e.message}`;
  const verbose = logLevel === 'debug' || logLevel === 'trace';
  if (verbose && e instanceof Error && e.stack) return `mogo: could not start: ${e.stack}`;
  const code = (e as { code?: unknown } | null)?.code;
  const prefix = typeof code === 'string' ? `${code}: ` : '';
  const message = e instanceof Error ? e.message : String(e);
  return `mogo: could not start: ${prefix}${message}${verbose ? '' : ' (LOG_LEVEL=debug shows the stack)'}`;
}

async function rulesCheck(args: string[]): Promise<number> {
  if (args.length > 1)
    return help('rules check', `mogo rules check takes one directory (got ${args.length})`);
  const dir = args[0] ?? defaultRulesDir();
  const problems = await checkRules(dir);
  if (problems.length > 0) {
    for (const p of problems) process.stdout.write(`${formatProblem(p)}\n`);
    process.stdout.write(
      `Checking ${dir}  FAILED: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n`,
    );
    return 1;
  }
  process.stdout.write(summariseRules(dir, await loadRules(dir)));
  return 0;
}

async function rulesTest(args: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseTestArgs>;
  try {
    parsed = parseTestArgs(args);
  } catch (e) {
    return help('rules test', `mogo rules test: ${e instanceof Error ? e.message : String(e)}`);
  }
  const { values, positionals } = parsed;
  const rulesDir = values.rules ?? defaultRulesDir();
  const json = values.json ?? false;
  if (values.all) {
    if (positionals.length > 0 || values.at !== undefined) {
      process.stderr.write(`mogo rules test --all takes no payload and no --at (cases set their own)\n`);
      return 2;
    }
    return rulesTestAll(stdio, { rulesDir, json });
  }
  const labels = parseLabelArgs(positionals);
  if (!labels && positionals.length !== 1)
    return help('rules test', 'mogo rules test: give labels (name=value ...), one payload file, or --all');
  const at = values.at === undefined ? new Date() : new Date(values.at);
  if (Number.isNaN(at.getTime())) {
    process.stderr.write(`mogo rules test: --at ${JSON.stringify(values.at)} is not a time (RFC 3339)\n`);
    return 2;
  }
  if (labels) return rulesTestLabels(stdio, { labels, rulesDir, at, json });
  return rulesTestPayload(stdio, { payload: positionals[0]!, rulesDir, at, json });
}

function parseTestArgs(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      all: { type: 'boolean' },
      rules: { type: 'string' },
      at: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    if (code >= 0) process.exitCode = code;
  });
}
