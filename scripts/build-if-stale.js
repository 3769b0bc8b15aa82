#!/usr/bin/env node
/**
 * `npm start`'s prestart: compile src/ into dist/ only when something in src/ (or the tsconfig files) is newer
 * than the last successful build, and say so when it does. A full tsc run takes seconds; the check takes
 * milliseconds. The stamp is written only after tsc succeeds, so a failed build is retried on the next start.
 */
'use strict';
const { spawnSync } = require('node:child_process');
const { readdirSync, statSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');
const STAMP = join(ROOT, 'dist', '.build-stamp');
const INPUTS = ['src', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];

/** Newest mtime under path; directories count too, so a deleted or renamed file is a change. */
function newest(path) {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) return 0;
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const entry of readdirSync(path)) max = Math.max(max, newest(join(path, entry)));
  return max;
}

const stamp = statSync(STAMP, { throwIfNoEntry: false })?.mtimeMs ?? 0;
const source = Math.max(...INPUTS.map((p) => newest(join(ROOT, p))));
if (stamp >= source) process.exit(0);

process.stderr.write(
  stamp === 0
    ? 'mogo: building dist/ (no previous build)…\n'
    : 'mogo: building dist/ (src/ changed since the last build)…\n',
);
const started = Date.now();
const tsc = spawnSync(
  process.execPath,
  [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
  {
    cwd: ROOT,
    stdio: 'inherit',
  },
);
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
writeFileSync(STAMP, `${new Date().toISOString()}\n`);
process.stderr.write(`mogo: built in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
