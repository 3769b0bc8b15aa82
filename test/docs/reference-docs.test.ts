/**
 * The reference lists in README.md and docs/ kept in step with the code: environment variables, metrics, audit
 * actions, error codes, CLI verbs, /incident subcommands and rule-file fields. Static reads (and the metrics
 * registry built in-process), so it runs in well under a second; a failure names what to add or remove.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { HELP } from '../../src/cli/usage';
import { EnvSchema } from '../../src/config-env';
import { ErrorCodes } from '../../src/errors';
import { publishAuditHead } from '../../src/jobs/audit-head';
import { createMetrics } from '../../src/metrics';
import { fileSchemaV1 } from '../../src/rules/schema';
import { allowedKeysAt } from '../../src/rules/schema-keys';
import { SUBCOMMANDS } from '../../src/slack/commands/subcommands';
import { ROOT, srcFiles, srcMatches } from '../helpers/src-files';

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

const SRC = srcFiles();
const matchesIn = (re: RegExp) => srcMatches(re, SRC);

/**
 * The text of a Markdown section, from the heading that starts with `heading` to the next heading of the same or
 * a higher level.
 */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n${heading}`);
  if (start < 0) throw new Error(`no heading ${JSON.stringify(heading)}`);
  const level = /^#+/.exec(heading)![0].length;
  const rest = markdown.slice(markdown.indexOf('\n', start + 1) + 1);
  const end = rest.search(new RegExp(`\\n#{1,${level}} `));
  return end < 0 ? rest : rest.slice(0, end);
}

/** The first cell of every table row of a Markdown text, `\|` unescaped. */
const firstCells = (markdown: string) =>
  [...markdown.matchAll(/^\s*\| (.+?) (?<!\\)\|/gm)].map((m) => m[1]!.replaceAll('\\|', '|'));
const codeSpans = (text: string) => [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
const sorted = (xs: Iterable<string>) => [...new Set(xs)].sort();

describe('README: configuration', () => {
  const table = section(read('README.md'), '## Configuration');
  const rows = firstCells(table).flatMap(codeSpans);

  it('has a row for every variable the environment schema knows, and none it does not', () => {
    const known = Object.keys(EnvSchema.shape);
    expect(known.filter((v) => !rows.includes(v))).toEqual([]);
    const readElsewhere = ['KUBECONFIG']; // read by the kubernetes backend, not by the schema
    expect(
      rows.filter((v) => /^[A-Z][A-Z0-9_]+$/.test(v) && !known.includes(v) && !readElsewhere.includes(v)),
    ).toEqual([]);
  });

  it('every variable src/ reads by name is in the README or docs/', () => {
    const docs = [read('README.md'), ...readdirSync(join(ROOT, 'docs')).map((f) => read(`docs/${f}`))].join(
      '\n',
    );
    const read_ = sorted([
      ...matchesIn(/process\.env\.([A-Z][A-Z0-9_]*)/g),
      ...matchesIn(/\benv\.([A-Z][A-Z0-9_]*)/g),
      ...matchesIn(/\.env\('([A-Z][A-Z0-9_]*)'\)/g),
      ...matchesIn(/\bset\('([A-Z][A-Z0-9_]*)'\)/g),
    ]);
    expect(read_.length).toBeGreaterThan(5);
    expect(read_.filter((v) => !docs.includes(v))).toEqual([]);
  });
});

describe('docs/metrics.md', () => {
  /** Every mogo_ metric as registered: what createMetrics makes and the audit-head gauge. */
  function registered() {
    const m = createMetrics({
      sources: {
        outbox: async () => [],
        openGroups: async () => [],
        auditBuffered: () => 0,
        pingDatabase: async () => undefined,
        pingRedis: async () => undefined,
      },
    });
    publishAuditHead(
      { query: async () => ({ rows: [] }) } as never,
      pino({ level: 'silent' }),
      m.registry,
    ).stop();
    return m.registry
      .getMetricsAsArray()
      .filter((x) => x.name.startsWith('mogo_'))
      .map((x) => {
        const metric = x as unknown as { name: string; type: string; labelNames?: string[] };
        return `${metric.name} ${metric.type} ${sorted(metric.labelNames ?? []).join(',') || '-'}`;
      });
  }

  it('lists every mogo_ metric with its type and labels, and no other', () => {
    const documented = [
      ...read('docs/metrics.md').matchAll(/^\| `(mogo_[a-z0-9_]+)` \| (\w+)[^|]*\| ([^|]+) \|/gm),
    ].map((m) => `${m[1]} ${m[2]} ${sorted(codeSpans(m[3]!)).join(',') || '-'}`);
    expect(sorted(documented)).toEqual(sorted(registered()));
  });

  it('knows every file that registers metrics (a new one: add it to registered() above)', () => {
    expect(
      SRC.filter((f) => f.text.includes("from 'prom-client'"))
        .map((f) => f.path)
        .sort(),
    ).toEqual(['src/jobs/audit-head.ts', 'src/metrics-state.ts', 'src/metrics.ts']);
  });
});

describe('docs/audit.md', () => {
  const documented = sorted(
    firstCells(read('docs/audit.md'))
      .flatMap(codeSpans)
      .filter((c) => /^[a-z]+\.[a-z_]+$/.test(c)),
  );

  it('lists every audit action written in src/, and none that is not', () => {
    const ACTION = "'([a-z]+\\.[a-z_]+)'";
    const written = sorted([
      ...matchesIn(new RegExp(`\\baction: ${ACTION}`, 'g')),
      ...matchesIn(new RegExp(`\\brollbackAudit\\(\\s*${ACTION}`, 'g')),
      ...matchesIn(new RegExp(`\\baudited\\([^()']*${ACTION}`, 'g')),
    ]);
    expect(written.length).toBeGreaterThan(30);
    expect(written.filter((a) => !documented.includes(a))).toEqual([]);
    expect(documented.filter((a) => !written.includes(a))).toEqual([]);
  });
});

describe('docs/errors.md', () => {
  it('lists every error code, those of AppError and those HTTP answers name, and no other', () => {
    const documented = firstCells(read('docs/errors.md'))
      .flatMap(codeSpans)
      .filter((c) => /^[A-Z_]+$/.test(c));
    const httpOnly = matchesIn(/sendError\(res, \d+, '([A-Z_]+)'/g);
    expect(sorted(documented)).toEqual(sorted([...Object.keys(ErrorCodes), ...httpOnly]));
  });
});

describe('README: CLI and /incident', () => {
  const readme = read('README.md');

  it('has a row for every usage line of `mogo help`', () => {
    const rows = firstCells(section(readme, '## CLI')).flatMap(codeSpans);
    const usages = [...HELP.mogo.matchAll(/^ {2}([a-z].*?)(?: {2,}|$)/gm)].map((m) => `mogo ${m[1]!.trim()}`);
    expect(usages.length).toBeGreaterThan(8);
    expect(usages.filter((u) => !rows.includes(u))).toEqual([]);
  });

  it('names every /incident subcommand', () => {
    const spans = firstCells(section(readme, '## Slack')).flatMap(codeSpans);
    const missing = SUBCOMMANDS.filter(
      (s) => !spans.some((c) => c === `/incident ${s.name}` || c.startsWith(`/incident ${s.name} `)),
    );
    expect(missing.map((s) => s.name)).toEqual([]);
  });
});

describe('docs/rules.md and docs/rollback-backends.md: rule-file fields', () => {
  const rules = read('docs/rules.md');
  const rows = (heading: string) => firstCells(section(rules, heading)).flatMap(codeSpans);
  const keysAt = (path: PropertyKey[], root: unknown = {}) => allowedKeysAt(fileSchemaV1, path, root);

  it('documents every top-level field under its own heading, with a row per field', () => {
    const undocumented: string[] = [];
    for (const top of keysAt([])) {
      if (!rules.includes(`\n### \`${top}\``)) undocumented.push(top);
      else if (top !== 'version')
        for (const key of keysAt(top === 'defaults' ? [top] : [top, 0]))
          if (!rows(`### \`${top}\``).includes(key)) undocumented.push(`${top}.${key}`);
    }
    for (const key of keysAt(['defaults', 'escalation', 'P1']))
      if (!rows('### Escalation').includes(key)) undocumented.push(`escalation.${key}`);
    expect(undocumented).toEqual([]);
  });

  it("documents every backend's settings in its section of rollback-backends.md and in rules.md's targets", () => {
    const backends = read('docs/rollback-backends.md');
    const targets = section(rules, '### `targets` (optional)');
    const undocumented: string[] = [];
    for (const backend of ['github-actions', 'argocd', 'kubernetes', 'webhook']) {
      const own = codeSpans(section(backends, `## ${backend}`));
      for (const key of keysAt(['targets', 0, 'settings'], { targets: [{ backend }] })) {
        if (!own.includes(key)) undocumented.push(`rollback-backends.md ${backend}: ${key}`);
        if (!targets.includes(`\`${key}\``)) undocumented.push(`rules.md targets: ${key}`);
      }
    }
    expect(undocumented).toEqual([]);
  });
});
