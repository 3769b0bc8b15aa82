/**
 * Reading a rule directory: every `*.yml` / `*.yaml` file directly inside it (not in subdirectories;
 * `rules/tests/` holds rule unit tests), in lexical file-name order (plain string comparison, so "10-a.yml"
 * sorts before "9-b.yml": use two-digit prefixes). Dotfiles are skipped (editor backups, and the "..data"
 * entries of a Kubernetes ConfigMap mount); symlinks to files are followed (a ConfigMap mount is made of them).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { compileRules, digestOf, type RuleFile } from './compile';
import type { RuleProblem, RuleSet } from './types';

const RULE_FILE = /\.ya?ml$/;

export type ReadResult = { files: RuleFile[]; problems: RuleProblem[] };

export async function readRuleFiles(dir: string): Promise<ReadResult> {
  const dirProblem = (message: string): ReadResult => ({
    files: [],
    problems: [{ file: dir, line: 0, column: 0, message }],
  });
  let names: string[];
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    const candidates = entries.filter((e) => RULE_FILE.test(e.name) && !e.name.startsWith('.'));
    const isFile = await Promise.all(
      candidates.map(
        async (e) => e.isFile() || (e.isSymbolicLink() && (await isFileTarget(join(dir, e.name)))),
      ),
    );
    names = candidates
      .filter((_, i) => isFile[i])
      .map((e) => e.name)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return dirProblem('rule directory does not exist');
    if (code === 'ENOTDIR')
      return dirProblem('not a directory; point the rules path at a directory of *.yml files');
    return dirProblem(`cannot read the rule directory: ${errorMessage(e)}`);
  }
  if (names.length === 0) {
    return dirProblem(
      'no rule files: the directory holds no *.yml or *.yaml files (at least one is required)',
    );
  }

  const files: RuleFile[] = [];
  const problems: RuleProblem[] = [];
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  for (const name of names) {
    const path = join(dir, name);
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (e) {
      problems.push({ file: path, line: 0, column: 0, message: `cannot read the file: ${errorMessage(e)}` });
      continue;
    }
    try {
      files.push({ path, content: utf8.decode(bytes) });
    } catch {
      problems.push({ file: path, line: 0, column: 0, message: 'the file is not valid UTF-8' });
    }
  }
  return { files, problems };
}

/**
 * Reads and compiles `dir`: the RuleSet, or every problem. `digest` is over what was read, valid or not, so a
 * reload can tell an unchanged invalid directory from a new one.
 */
export async function compileDir(
  dir: string,
): Promise<{ ruleSet: RuleSet } | { problems: RuleProblem[]; digest: string }> {
  const read = await readRuleFiles(dir);
  const digest = digestOf(read.files);
  if (read.files.length === 0) return { problems: read.problems, digest };
  const compiled = compileRules(read.files);
  if (compiled.ok && read.problems.length === 0) return { ruleSet: compiled.ruleSet };
  return { problems: [...read.problems, ...(compiled.ok ? [] : compiled.problems)], digest };
}

async function isFileTarget(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
