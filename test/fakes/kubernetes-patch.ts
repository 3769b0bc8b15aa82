/**
 * JSON Patch (RFC 6902: add, remove, replace, test) and JSON Merge Patch (RFC 7386) for the fake Kubernetes
 * API, with the error words of the library the API server uses (evanphx/json-patch).
 */

export class PatchError extends Error {}

type Json = unknown;
interface Op {
  op: string;
  path: string;
  value?: Json;
}

export function applyJsonPatch(doc: Json, ops: unknown): Json {
  if (!Array.isArray(ops))
    throw new PatchError('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let out = structuredClone(doc);
  for (const raw of ops as Op[]) {
    if (typeof raw?.op !== 'string' || typeof raw.path !== 'string')
      throw new PatchError('invalid operation');
    out = applyOne(out, raw);
  }
  return out;
}

function applyOne(doc: Json, op: Op): Json {
  const tokens = parsePointer(op.path);
  if (tokens.length === 0) {
    if (op.op === 'test') {
      if (!deepEqual(doc, op.value)) throw new PatchError(`testing value ${op.path} failed: test failed`);
      return doc;
    }
    if (op.op === 'replace' || op.op === 'add') return structuredClone(op.value);
    throw new PatchError(`unsupported operation on the root: ${op.op}`);
  }
  const parent = walk(doc, tokens.slice(0, -1), op);
  const key = tokens.at(-1)!;
  const container = parent as Record<string, Json> | Json[];
  const has = Array.isArray(container) ? key === '-' || Number(key) < container.length : key in container;
  switch (op.op) {
    case 'test':
      if (!has || !deepEqual(get(container, key), op.value))
        throw new PatchError(`testing value ${op.path} failed: test failed`);
      return doc;
    case 'replace':
      if (!has)
        throw new PatchError(
          `replace operation does not apply: doc is missing key: ${op.path}: missing value`,
        );
      set(container, key, structuredClone(op.value), false);
      return doc;
    case 'add':
      set(container, key, structuredClone(op.value), true);
      return doc;
    case 'remove':
      if (!has)
        throw new PatchError(
          `remove operation does not apply: doc is missing path: "${op.path}": missing value`,
        );
      if (Array.isArray(container)) container.splice(Number(key), 1);
      else delete container[key];
      return doc;
    default:
      throw new PatchError(`Unexpected kind: ${op.op}`);
  }
}

function walk(doc: Json, tokens: string[], op: Op): Json {
  let cur = doc;
  for (const t of tokens) {
    const next = cur !== null && typeof cur === 'object' ? get(cur as Record<string, Json>, t) : undefined;
    if (next === undefined || next === null || typeof next !== 'object') {
      throw new PatchError(
        `${op.op} operation does not apply: doc is missing path: "${op.path}": missing value`,
      );
    }
    cur = next;
  }
  return cur;
}

function get(container: Record<string, Json> | Json[], key: string): Json {
  return Array.isArray(container) ? container[Number(key)] : container[key];
}

function set(container: Record<string, Json> | Json[], key: string, value: Json, insert: boolean): void {
  if (!Array.isArray(container)) {
    container[key] = value;
    return;
  }
  const i = key === '-' ? container.length : Number(key);
  container.splice(i, insert ? 0 : 1, value);
}

function parsePointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new PatchError(`JSON pointer must be empty or start with a "/": ${path}`);
  return path
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** RFC 7386: objects merge key by key, null deletes, anything else replaces. */
export function applyMergePatch(doc: Json, patch: Json): Json {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return structuredClone(patch);
  const out: Record<string, Json> =
    doc !== null && typeof doc === 'object' && !Array.isArray(doc)
      ? { ...(doc as Record<string, Json>) }
      : {};
  for (const [k, v] of Object.entries(patch as Record<string, Json>)) {
    if (v === null) delete out[k];
    else out[k] = applyMergePatch(out[k], v);
  }
  return out;
}

export function deepEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Record<string, Json>)[k], (b as Record<string, Json>)[k]));
}
