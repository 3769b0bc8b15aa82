/**
 * Turns pino's JSON lines into one short human line per event for a terminal:
 * `14:02:11.532 INFO  store  creating the embedded database in ./data  dataDir=./data`.
 * Written here rather than taking pino-pretty: pino-pretty runs as a transport in a worker thread (a second
 * V8 isolate, ~15 MB resident, in a process whose local mode is budgeted at 150 MB) and brings its own
 * dependency tree, for what is ~80 lines of formatting.
 */

const LEVELS: Record<number, { name: string; colour: number }> = {
  10: { name: 'TRACE', colour: 90 },
  20: { name: 'DEBUG', colour: 36 },
  30: { name: 'INFO ', colour: 32 },
  40: { name: 'WARN ', colour: 33 },
  50: { name: 'ERROR', colour: 31 },
  60: { name: 'FATAL', colour: 35 },
};

/** Fields every line has, or that the line shows in its own place. */
const HIDDEN = new Set(['level', 'time', 'pid', 'hostname', 'service', 'module', 'msg', 'err']);
const MAX_VALUE = 160;

export interface PrettyOptions {
  colour: boolean;
}

export function formatPrettyLine(json: string, opts: PrettyOptions): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const paint = (code: number, text: string) => (opts.colour ? `\x1b[${code}m${text}\x1b[0m` : text);
  const level = LEVELS[Number(entry.level)] ?? { name: String(entry.level).padEnd(5), colour: 0 };
  const time = typeof entry.time === 'number' ? new Date(entry.time).toISOString().slice(11, 23) : '';
  const parts = [paint(90, time), paint(level.colour, level.name)];
  if (typeof entry.module === 'string') parts.push(paint(34, entry.module));
  parts.push(String(entry.msg ?? ''));
  const err = describeError(entry.err);
  if (err) parts.push(paint(31, err));
  const fields = Object.entries(entry)
    .filter(([k, v]) => !HIDDEN.has(k) && v !== undefined)
    .map(([k, v]) => `${paint(90, `${k}=`)}${formatValue(v)}`);
  if (fields.length > 0) parts.push(fields.join(' '));
  return `${parts.join(' ')}\n`;
}

function formatValue(v: unknown): string {
  const text =
    typeof v === 'string' ? (/[\s"=]/.test(v) || v === '' ? JSON.stringify(v) : v) : JSON.stringify(v);
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

function describeError(err: unknown): string | undefined {
  if (!err || typeof err !== 'object') return undefined;
  const e = err as { type?: unknown; message?: unknown; code?: unknown };
  const code = typeof e.code === 'string' ? ` [${e.code}]` : '';
  return `${typeof e.type === 'string' ? e.type : 'Error'}${code}: ${String(e.message ?? '')}`;
}

/** A pino destination that writes pretty lines to `out` (process.stdout by default). */
export function createPrettyStream(
  opts: PrettyOptions,
  out: { write(s: string): unknown } = process.stdout,
): { write(line: string): void } {
  return { write: (line) => void out.write(formatPrettyLine(line, opts)) };
}
