#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { isAppError } from '../errors';
import { serve } from '../main';
import { checkRules, formatProblem } from '../rules';
import { AUDIT_USAGE, auditExport, auditVerify } from './audit-commands';
import { openAuditDb } from './audit-db';
import { type Output, rulesTestAll, rulesTestPayload } from './rules-test';

const USAGE = `usage: mogo <command>

commands:
  serve                 run the bot (what \`npm start\` runs); configured by environment variables, see README
  rules check [dir]     validate every rule file in dir (default: $RULES_DIR or ./rules); exit 1 on any problem
  rules test <payload.json> [--rules dir] [--at time] [--json]
                        route an Alertmanager webhook body: per alert the rules that applied, score, priority,
                        channel, mentions, notify and rollback target; then the Block Kit JSON mogo would post,
                        with a Block Kit Builder preview link. --at: RFC 3339 instant to route at (default now)
  rules test --all [--rules dir] [--json]
                        run the rule unit tests in <rules dir>/tests/*.yml; exit 1 on any failure or problem
${AUDIT_USAGE}  help                  this text
`;

const stdio: Output = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

const defaultRulesDir = () => process.env.RULES_DIR ?? './rules';

export async function main(argv: string[]): Promise<number> {
  const [command, sub, ...rest] = argv;
  switch (command) {
    case 'serve':
      return runServe();
    case 'rules':
      if (sub === 'check') return rulesCheck(rest[0] ?? defaultRulesDir());
      if (sub === 'test') return rulesTest(rest);
      process.stderr.write(`unknown rules command ${JSON.stringify(sub ?? '')}\n\n${USAGE}`);
      return 2;
    case 'audit':
      if (sub === 'verify' || sub === 'export') return audit(sub, rest);
      process.stderr.write(`unknown audit command ${JSON.stringify(sub ?? '')}\n\n${USAGE}`);
      return 2;
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

async function rulesCheck(dir: string): Promise<number> {
  const problems = await checkRules(dir);
  for (const p of problems) process.stdout.write(`${formatProblem(p)}\n`);
  if (problems.length === 0) process.stdout.write(`${dir}: ok\n`);
  return problems.length === 0 ? 0 : 1;
}

async function rulesTest(args: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseTestArgs>;
  try {
    parsed = parseTestArgs(args);
  } catch (e) {
    process.stderr.write(`mogo rules test: ${e instanceof Error ? e.message : String(e)}\n\n${USAGE}`);
    return 2;
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
  if (positionals.length !== 1) {
    process.stderr.write(`mogo rules test: give one payload file, or --all\n\n${USAGE}`);
    return 2;
  }
  const at = values.at === undefined ? new Date() : new Date(values.at);
  if (Number.isNaN(at.getTime())) {
    process.stderr.write(`mogo rules test: --at ${JSON.stringify(values.at)} is not a time (RFC 3339)\n`);
    return 2;
  }
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
