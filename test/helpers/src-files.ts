import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export const ROOT = join(__dirname, '../..');

/** Every non-test TypeScript file under src/ (or `dir`), its path relative to the repository and its text. */
export function srcFiles(dir = join(ROOT, 'src'), found: { path: string; text: string }[] = []) {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) srcFiles(path, found);
    else if (entry.endsWith('.ts') && !entry.endsWith('.test.ts'))
      found.push({ path: relative(ROOT, path), text: readFileSync(path, 'utf8') });
  }
  return found;
}

/** The first group of every match of `re` (global) in those files, in file order, repeats kept. */
export const srcMatches = (re: RegExp, files = srcFiles()) =>
  files.flatMap((f) => [...f.text.matchAll(re)].map((m) => m[1]!));
