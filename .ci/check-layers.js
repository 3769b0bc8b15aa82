#!/usr/bin/env node
'use strict';
/**
 * The layering check: fails when a file under src/ imports a file of a higher layer. The layers are read from
 * docs/architecture.md (between the "layers:start" and "layers:end" markers), so the picture and the check
 * cannot drift apart. Each layer line is `N. name: path path ...`; a path is a file or a folder under src/, and
 * the most specific path wins. Same-layer imports are allowed, except into a path listed on a `private:` line,
 * which only its own files and higher layers may import. Tests (*.test.ts) are not checked.
 *
 * Usage: node .ci/check-layers.js [repository root]. No dependencies: runs before `npm ci` if need be.
 */
const fs = require('node:fs');
const path = require('node:path');

function readLayers(root) {
  const doc = fs.readFileSync(path.join(root, 'docs', 'architecture.md'), 'utf8');
  const start = doc.indexOf('<!-- layers:start -->');
  const end = doc.indexOf('<!-- layers:end -->');
  if (start < 0 || end < start) throw new Error('docs/architecture.md: no <!-- layers:start/end --> section');
  const entries = [];
  const privates = [];
  for (const line of doc.slice(start, end).split('\n')) {
    const priv = /^\s*private:\s+(.+)$/.exec(line);
    if (priv) for (const p of priv[1].match(/`[^`]+`/g) ?? []) privates.push(p.slice(1, -1).replace(/\/$/, ''));
    const m = /^\s*(\d+)\.\s+\*{0,2}([\w -]+?)\*{0,2}:\s+(.+)$/.exec(line);
    if (!m) continue;
    for (const p of m[3].match(/`[^`]+`/g) ?? [])
      entries.push({ rank: Number(m[1]), layer: m[2].trim(), path: p.slice(1, -1).replace(/\/$/, '') });
  }
  if (entries.length === 0) throw new Error('docs/architecture.md: the layers section lists no paths');
  return { entries, privates };
}

const within = (rel, p) => rel === p || rel.startsWith(`${p}/`);

/** The layer of a path relative to src/ (no extension needed): the longest matching entry. */
function layerOf(entries, rel) {
  let best = null;
  for (const e of entries) {
    const p = e.path.replace(/\.ts$/, '');
    const r = rel.replace(/\.ts$/, '').replace(/\/index$/, '');
    const hit = r === p || r.startsWith(`${p}/`);
    if (hit && (!best || p.length > best.path.replace(/\.ts$/, '').length)) best = e;
  }
  return best;
}

function sourceFiles(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

const IMPORT = /\b(?:from\s+|import\s*\(\s*|import\s+|require\s*\(\s*)['"](\.{1,2}\/[^'"]*)['"]/g;

/** Every violation in `root`, as readable lines; [] when the layering holds. */
function check(root) {
  const src = path.join(root, 'src');
  const { entries, privates } = readLayers(root);
  const problems = [];
  for (const file of sourceFiles(src)) {
    const rel = path.relative(src, file).split(path.sep).join('/');
    const own = layerOf(entries, rel);
    if (!own) {
      problems.push(`src/${rel}: in no layer of docs/architecture.md`);
      continue;
    }
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(IMPORT)) {
      const target = path.relative(src, path.resolve(path.dirname(file), m[1])).split(path.sep).join('/');
      if (target.startsWith('..')) continue; // outside src/ (package.json and the like)
      const to = layerOf(entries, target);
      if (!to) problems.push(`src/${rel}: imports ${m[1]}, which is in no layer`);
      else if (to.rank > own.rank)
        problems.push(`src/${rel} (${own.layer}) imports ${m[1]} (${to.layer}): a lower layer may not import a higher one`);
      else {
        const closed = privates.find((p) => within(target, p) && !within(rel, p));
        if (closed && to.rank === own.rank)
          problems.push(`src/${rel} (${own.layer}) imports ${m[1]}: only ${closed}/ itself and higher layers may`);
      }
    }
  }
  return problems;
}

module.exports = { check };

if (require.main === module) {
  const root = path.resolve(process.argv[2] ?? path.join(__dirname, '..'));
  const problems = check(root);
  for (const p of problems) console.error(p);
  if (problems.length > 0) {
    console.error(`check-layers: ${problems.length} problem(s); the layers are listed in docs/architecture.md`);
    process.exit(1);
  }
  console.log('check-layers: every import points down or sideways');
}
