#!/usr/bin/env node
import { isAppError } from '../errors';
import { serve } from '../main';
import { checkRules, formatProblem } from '../rules';

const USAGE = `usage: mogo <command>

commands:
  serve                 run the bot (what \`npm start\` runs); configured by environment variables, see README
  rules check [dir]     validate every rule file in dir (default: $RULES_DIR or ./rules); exit 1 on any problem
  help                  this text
`;

export async function main(argv: string[]): Promise<number> {
  const [command, sub, ...rest] = argv;
  switch (command) {
    case 'serve':
      return runServe();
    case 'rules':
      if (sub === 'check') return rulesCheck(rest[0] ?? process.env.RULES_DIR ?? './rules');
      process.stderr.write(`unknown rules command ${JSON.stringify(sub ?? '')}\n\n${USAGE}`);
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

async function runServe(): Promise<number> {
  try {
    const running = await serve(process.env);
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
    if (isAppError(e) && (e.code === 'CONFIG_INVALID' || e.code === 'RULES_INVALID')) {
      process.stderr.write(`mogo: ${e.message}\n`);
      return 1;
    }
    process.stderr.write(
      `mogo: could not start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
    );
    return 1;
  }
}

async function rulesCheck(dir: string): Promise<number> {
  const problems = await checkRules(dir);
  for (const p of problems) process.stdout.write(`${formatProblem(p)}\n`);
  if (problems.length === 0) process.stdout.write(`${dir}: ok\n`);
  return problems.length === 0 ? 0 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    if (code >= 0) process.exitCode = code;
  });
}
