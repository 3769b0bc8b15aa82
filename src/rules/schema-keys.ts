/**
 * The fields a mapping may have, read from the zod schema itself (so "unknown field" messages can list them
 * and suggest the closest one without a second table to keep in sync). A discriminated union, such as a
 * rollback target's `backend`, is narrowed by the value actually written in the file.
 */
import type { z } from 'zod';

interface SchemaDef {
  type: string;
  shape?: Record<string, Schema>;
  element?: Schema;
  innerType?: Schema;
  in?: Schema;
  options?: Schema[];
  discriminator?: string;
  valueType?: Schema;
  values?: unknown[];
}
interface Schema {
  _zod: { def: SchemaDef };
}

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional']);

function unwrap(s: Schema, value: unknown): Schema[] {
  const def = s._zod.def;
  if (WRAPPERS.has(def.type) && def.innerType) return unwrap(def.innerType, value);
  if (def.type === 'pipe' && def.in) return unwrap(def.in, value);
  if (def.type === 'union' && def.options) {
    let options = def.options;
    const disc = def.discriminator;
    if (disc && value !== null && typeof value === 'object') {
      const written = (value as Record<string, unknown>)[disc];
      const chosen = options.filter((o) => literalsOf(o, disc).includes(written));
      if (chosen.length > 0) options = chosen;
    }
    return options.flatMap((o) => unwrap(o, value));
  }
  return [s];
}

function literalsOf(option: Schema, key: string): unknown[] {
  return unwrap(option, undefined).flatMap((o) => {
    const field = o._zod.def.shape?.[key];
    return field ? unwrap(field, undefined).flatMap((f) => f._zod.def.values ?? []) : [];
  });
}

function child(s: Schema, seg: PropertyKey): Schema | undefined {
  const def = s._zod.def;
  if (def.type === 'object') return def.shape?.[String(seg)];
  if (def.type === 'array') return typeof seg === 'number' ? def.element : undefined;
  if (def.type === 'record') return def.valueType;
  return undefined;
}

/** Allowed keys of the mapping at `path` of `root` (the file's plain value), in schema order. */
export function allowedKeysAt(schema: z.ZodType, path: readonly PropertyKey[], root: unknown): string[] {
  let nodes: Schema[] = [schema as unknown as Schema];
  let value = root;
  for (const seg of path) {
    nodes = nodes.flatMap((n) => unwrap(n, value)).flatMap((n) => child(n, seg) ?? []);
    value =
      value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[seg] : undefined;
  }
  const keys = nodes
    .flatMap((n) => unwrap(n, value))
    .flatMap((n) => (n._zod.def.type === 'object' ? Object.keys(n._zod.def.shape ?? {}) : []));
  return [...new Set(keys)];
}
