import { AUDIT_USAGE } from './audit-commands';
import { INCIDENT_USAGE } from './incident-command';
import { REPORT_USAGE } from './report-command';

/** The help texts of `mogo` and each subcommand (`mogo <command> [<sub>] --help`). */

const RULES_CHECK = `  rules check [dir]     validate every rule file in dir (default: $RULES_DIR or ./rules) and summarise what it
                        found: files, rules, priorities, channels, rollback targets, roles; exit 1 on any problem
`;

const RULES_TEST = `  rules test <name=value>... [--rules dir] [--at time] [--json]
                        route one firing alert with these labels, like \`amtool config routes test\`: the rules
                        that applied, score, priority, channel, mentions, notify and rollback target
  rules test <payload.json> [--rules dir] [--at time] [--json]
                        route an Alertmanager webhook body: per alert the same, then the Block Kit JSON mogo would
                        post, with a Block Kit Builder preview link. --at: RFC 3339 instant to route at (default now)
  rules test --all [--rules dir] [--json]
                        run the rule unit tests in <rules dir>/tests/*.yml; exit 1 on any failure or problem
`;

const SERVE = `  serve                 run the bot (what \`npm start\` runs); configured by environment variables, see README
`;

export const HELP = {
  mogo: `usage: mogo <command> [<args>]   (mogo <command> --help: that command only)

commands:
${SERVE}${RULES_CHECK}${RULES_TEST}${AUDIT_USAGE}${INCIDENT_USAGE}${REPORT_USAGE}  help                  this text
`,
  serve: `usage: mogo serve\n\n${SERVE}`,
  rules: `usage: mogo rules <check|test> [<args>]\n\n${RULES_CHECK}${RULES_TEST}`,
  'rules check': `usage: mogo rules check [dir]\n\n${RULES_CHECK}`,
  'rules test': `usage: mogo rules test <name=value>... | <payload.json> | --all\n\n${RULES_TEST}`,
  audit: `usage: mogo audit <verify|export> [<args>]\n\n${AUDIT_USAGE}`,
  incident: `usage: mogo incident export <n> [--format md|json]\n\n${INCIDENT_USAGE}`,
  report: `usage: mogo report [--since <time|length>] [--until <time>] [--format md|csv|json]\n\n${REPORT_USAGE}`,
} as const;

export type HelpTopic = keyof typeof HELP;

export const isHelpFlag = (arg: string | undefined): boolean => arg === '--help' || arg === '-h';
