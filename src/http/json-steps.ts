/** Bodies up to this size are parsed at once: a few milliseconds at most. */
const AT_ONCE = 256 * 1024;
/** Bytes scanned or parsed between two yields (well under a millisecond each). */
const SLICE = 256 * 1024;
/** Bytes of array elements parsed in one JSON.parse. */
const BATCH = 64 * 1024;

// In UTF-8 every byte of a multi-byte character is >= 0x80, so these are never part of one.
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

/** One member of the top-level object, as byte offsets: its key before `colon`, its value up to `end`. */
interface Member {
  start: number;
  colon: number;
  end: number;
  /** Where the value's array opens and closes, and the commas between its elements; null: not an array. */
  array: { open: number; close: number; commas: number[] } | null;
}

/**
 * JSON.parse(body as UTF-8) as a generator that yields between slices (see yielding.ts): a 10,000-alert
 * Alertmanager notification is 3 MB, which JSON.parse takes in one piece of 10 to 60 ms. A large body that is
 * an object is scanned as bytes for its members (strings skipped whole), and each member's value is decoded and
 * parsed apart; an array value a batch of elements at a time. Anything else, or anything the scan does not find
 * well formed, is left to JSON.parse, so the result is JSON.parse's own. Throws SyntaxError.
 */
export function* parseJsonSteps(body: Buffer): Generator<void, unknown> {
  const whole = () => JSON.parse(body.toString('utf8'));
  if (body.length <= AT_ONCE) return whole();
  const members = yield* scanObject(body);
  if (!members) return whole();
  const out: Record<string, unknown> = {};
  for (const m of members) {
    const key: unknown = JSON.parse(body.toString('utf8', m.start, m.colon));
    if (typeof key !== 'string' || key === '__proto__') return whole();
    if (!m.array) out[key] = JSON.parse(body.toString('utf8', m.colon + 1, m.end));
    else if (!blank(body, m.colon + 1, m.array.open) || !blank(body, m.array.close + 1, m.end))
      return whole();
    else out[key] = yield* parseArray(body, m.array);
  }
  return out;
}

/** An array's elements, a batch at a time: the bytes between two cuts keep their commas. */
function* parseArray(body: Buffer, array: NonNullable<Member['array']>): Generator<void, unknown[]> {
  const { open, close, commas } = array;
  const out: unknown[] = [];
  let from = open + 1;
  for (const cut of [...commas, close]) {
    if (cut !== close && cut - from < BATCH) continue;
    const batch: unknown[] = JSON.parse(`[${body.toString('utf8', from, cut)}]`);
    for (const item of batch) out.push(item);
    from = cut + 1;
    yield;
  }
  return out;
}

/**
 * The members of the top-level object in `body`, or null when it is not one the scan can split (then
 * JSON.parse decides). Tracks only nesting depth and strings; the pieces are checked by JSON.parse later.
 */
function* scanObject(body: Buffer): Generator<void, Member[] | null> {
  let first = 0;
  while (first < body.length && isBlank(body[first]!)) first++;
  if (body[first] !== OPEN_OBJECT || !blank(body, body.lastIndexOf(CLOSE_OBJECT) + 1, body.length))
    return null;
  const members: Member[] = [];
  let depth = 1;
  let start = first + 1;
  let colon = -1;
  let array: Member['array'] = null;
  let nextYield = SLICE;
  for (let i = first + 1; i < body.length; i++) {
    if (i >= nextYield) {
      nextYield = i + SLICE;
      yield;
    }
    const c = body[i]!;
    if (c === QUOTE) {
      i = endOfString(body, i);
      if (i < 0) return null;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (depth === 1 && c === OPEN_ARRAY && colon >= 0 && array === null)
        array = { open: i, close: -1, commas: [] };
      depth++;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth--;
      if (depth === 1 && array?.close === -1) array.close = i;
      if (depth === 0) {
        if (c !== CLOSE_OBJECT || i !== body.lastIndexOf(CLOSE_OBJECT)) return null;
        if (colon >= 0) members.push({ start, colon, end: i, array });
        else if (!blank(body, start, i) || members.length > 0) return null;
        return members;
      }
    } else if (c === COMMA && depth === 2 && array?.close === -1) {
      array.commas.push(i);
    } else if (c === COMMA && depth === 1) {
      if (colon < 0) return null;
      members.push({ start, colon, end: i, array });
      start = i + 1;
      colon = -1;
      array = null;
    } else if (c === COLON && depth === 1 && colon < 0) {
      colon = i;
    }
  }
  return null;
}

const isBlank = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

function blank(body: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isBlank(body[i]!)) return false;
  return true;
}

/** The offset of the quote closing the string opened at `open`, or -1. */
function endOfString(body: Buffer, open: number): number {
  let i = open;
  for (;;) {
    i = body.indexOf(QUOTE, i + 1);
    if (i < 0) return -1;
    let slashes = 0;
    while (body[i - 1 - slashes] === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return i;
  }
}
