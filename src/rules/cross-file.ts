/**
 * Checks that span files: at most one file sets `defaults`; names are unique across all files (each kind on
 * its own: rules, windows, maintenance, targets, roles); window names and rollback targets that are used are
 * declared somewhere. Works on the files' raw values, so these problems are reported even for files that
 * have other problems, and a declaration with a typo elsewhere does not cause a second, misleading problem.
 */
import { type FileContext, nodeAt, offsetOf, positionAt, suggest, valueAt } from './problems';
import type { RuleProblem, SourcePosition } from './types';

type Path = readonly PropertyKey[];

const NAMED_LISTS = {
  rules: 'rule',
  windows: 'window',
  maintenance: 'maintenance',
  targets: 'target',
  roles: 'role',
};
type ListKey = keyof typeof NAMED_LISTS;

const at = (p: SourcePosition) => `${p.file}:${p.line}:${p.column}`;

function entries(ctx: FileContext, list: ListKey): unknown[] {
  const v = valueAt(ctx.value, [list]);
  return Array.isArray(v) ? v : [];
}

function nameOf(entry: unknown): string | undefined {
  const name = (entry as { name?: unknown } | null)?.name;
  return typeof name === 'string' && name.trim() !== '' ? name.trim() : undefined;
}

function positionOf(ctx: FileContext, path: Path): SourcePosition {
  return positionAt(ctx, offsetOf(ctx, path));
}

export function crossFileProblems(contexts: readonly FileContext[]): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const usable = contexts.filter(
    (c) => c.value !== null && typeof c.value === 'object' && !Array.isArray(c.value),
  );
  let defaultsAt: SourcePosition | undefined;
  for (const ctx of usable) {
    if (!('defaults' in (ctx.value as object))) continue;
    const { key } = nodeAt(ctx.doc, ['defaults']);
    const here = positionAt(ctx, key?.range?.[0] ?? 0);
    if (defaultsAt) {
      problems.push({
        ...here,
        message: `"defaults" is already set in ${at(defaultsAt)}; only one file may set defaults`,
      });
    } else {
      defaultsAt = here;
    }
  }

  const declared = {} as Record<ListKey, Set<string>>;
  for (const [list, kind] of Object.entries(NAMED_LISTS) as [ListKey, string][]) {
    const seen = new Map<string, SourcePosition>();
    for (const ctx of usable) {
      entries(ctx, list).forEach((entry, i) => {
        const name = nameOf(entry);
        if (name === undefined) return;
        const here = positionOf(ctx, [list, i, 'name']);
        const first = seen.get(name);
        if (!first) seen.set(name, here);
        else {
          problems.push({
            ...here,
            message: `${kind} "${name}": duplicate ${kind} name, already used at ${at(first)}; ${kind} names must be unique across all files`,
          });
        }
      });
    }
    declared[list] = new Set(seen.keys());
  }

  for (const ctx of usable) {
    const reference = (path: Path, owner: string, what: string, names: Set<string>, where: string) => {
      const ref = valueAt(ctx.value, path);
      if (typeof ref !== 'string' || ref.trim() === '' || names.has(ref.trim())) return;
      const hint = suggest(ref.trim(), [...names]);
      const known = names.size > 0 ? `declared: ${[...names].join(', ')}` : `none is declared`;
      problems.push({
        ...positionOf(ctx, path),
        message: `${owner}: ${what} "${ref.trim()}" is not declared under "${where}:" in any rule file${hint ? ` (did you mean "${hint}"?)` : ''}; ${known}`,
      });
    };
    entries(ctx, 'rules').forEach((rule, i) => {
      const owner = `rule ${nameOf(rule) ? `"${nameOf(rule)}"` : `#${i + 1}`}`;
      for (const side of ['inside', 'outside']) {
        reference(['rules', i, 'when', side], owner, 'window', declared.windows, 'windows');
      }
      reference(['rules', i, 'rollback_target'], owner, 'rollback_target', declared.targets, 'targets');
    });
    entries(ctx, 'maintenance').forEach((m, i) => {
      const owner = `maintenance ${nameOf(m) ? `"${nameOf(m)}"` : `#${i + 1}`}`;
      reference(['maintenance', i, 'window'], owner, 'window', declared.windows, 'windows');
    });
  }
  problems.push(...rotationProblems(usable));
  return problems;
}

/** Teams are unique across files; every `oncall:<team>` mention names a team under `rotations:`. */
function rotationProblems(usable: readonly FileContext[]): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const teams = new Map<string, SourcePosition>();
  for (const ctx of usable) {
    const list = valueAt(ctx.value, ['rotations']);
    (Array.isArray(list) ? list : []).forEach((r, i) => {
      const team = (r as { team?: unknown } | null)?.team;
      if (typeof team !== 'string' || team === '') return;
      const here = positionOf(ctx, ['rotations', i, 'team']);
      const first = teams.get(team);
      if (!first) teams.set(team, here);
      else
        problems.push({
          ...here,
          message: `rotation "${team}": duplicate team, already has a rotation at ${at(first)}; one rotation per team across all files`,
        });
    });
  }
  const known = [...teams.keys()];
  for (const ctx of usable) {
    const check = (path: Path, owner: string) => {
      const list = valueAt(ctx.value, path);
      (Array.isArray(list) ? list : []).forEach((m, j) => {
        if (typeof m !== 'string' || !m.startsWith('oncall:')) return;
        const team = m.slice('oncall:'.length);
        if (teams.has(team)) return;
        const hint = suggest(team, known);
        problems.push({
          ...positionOf(ctx, [...path, j]),
          message: `${owner}: team "${team}" has no rotation under "rotations:" in any rule file${hint ? ` (did you mean "oncall:${hint}"?)` : ''}; ${known.length > 0 ? `teams: ${known.join(', ')}` : 'no rotation is declared'}`,
        });
      });
    };
    for (const p of ['P1', 'P2', 'P3', 'P4']) {
      check(['defaults', 'mentions', p], `defaults.mentions.${p}`);
      check(['defaults', 'escalation', p, 'chain'], `defaults.escalation.${p}`);
    }
    entries(ctx, 'rules').forEach((rule, i) => {
      const owner = `rule ${nameOf(rule) ? `"${nameOf(rule)}"` : `#${i + 1}`}`;
      check(['rules', i, 'mentions'], owner);
      check(['rules', i, 'escalation', 'chain'], owner);
    });
  }
  return problems;
}
