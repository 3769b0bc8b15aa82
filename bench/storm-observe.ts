import type { FakeSlack, SlackCall } from '../test/fakes/slack-server';

/**
 * Reads the fake Slack's call log as a person reading the channel would: which groups can be seen, with which
 * counts, and when. Replays successful calls in order (a post adds a message, an update replaces it), so every
 * time is the arrival time of the call that made it true, not a sampling tick.
 *
 * mogo's messages are mutable (chat.update), so a group's state is the best any current mogo message shows.
 * Alertmanager's slack_configs only ever posts new messages, so its group state is its latest message's title
 * (`[FIRING:50] Storm007 …` or `[RESOLVED] Storm007 …`, Alertmanager's default title).
 */

export type Receiver = 'mogo' | 'alertmanager';

export interface GroupView {
  firing: number | undefined;
  resolved: number | undefined;
}

interface Shown {
  /** Group name -> what this message says about it. */
  groups: Map<string, GroupView>;
  /** Thread reply (not a top-level channel message). */
  reply: boolean;
}

export interface Milestones {
  /** First time every group was named somewhere at once. */
  allVisibleAt: number | null;
  /** First time every group showed all its pushed alerts firing at once (only before resolve()). */
  allCompleteAt: number | null;
  /** First time every group showed resolved, after resolve() was called. */
  allResolvedAt: number | null;
  /** First successful call naming the P1 group. */
  p1At: number | null;
}

export interface ReceiverCounts {
  visible: number;
  complete: number;
  resolved: number;
  /** Groups named in more than one top-level message at once (mogo). */
  duplicates: number;
  calls: number;
  rateLimited: number;
}

const NAME = /\b(?:Storm\d{3}|P1Outage)\b/g;

/** Whole-message or per-line counts: "firing 50 · resolved 0", "12 firing · 3 resolved", "(50 firing)". */
function countsIn(text: string): GroupView {
  // lower case and whole numbers only: "P3 FIRING" is a priority and a status word, not a count
  const firing = /\bfiring\s+(\d+)|\b(\d+)\s+firing\b/.exec(text);
  const resolved = /\bresolved\s+(\d+)|\b(\d+)\s+resolved\b/.exec(text);
  const num = (m: RegExpExecArray | null) => (m === null ? undefined : Number(m[1] ?? m[2]));
  return { firing: num(firing), resolved: num(resolved) };
}

/** Every text a person sees in a message: text, block texts, attachment titles and texts, in order. */
function textsOf(body: Record<string, unknown>): string[] {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) for (const n of node) walk(n);
    else if (typeof node === 'object' && node !== null) {
      for (const [k, v] of Object.entries(node)) {
        if (typeof v === 'string' && (k === 'text' || k === 'title' || k === 'pretext')) out.push(v);
        else walk(v);
      }
    }
  };
  walk(body.blocks);
  walk(body.attachments);
  if (typeof body.text === 'string') out.push(body.text);
  return out;
}

/** What one message says about each group it names. */
export function parseMessage(body: Record<string, unknown>, receiver: Receiver): Map<string, GroupView> {
  const texts = textsOf(body);
  const all = texts.join('\n');
  const names = new Set(all.match(NAME) ?? []);
  const views = new Map<string, GroupView>();
  if (receiver === 'alertmanager') {
    const title = /\[(FIRING|RESOLVED)(?::(\d+))?\]/.exec(all);
    for (const name of names) {
      views.set(name, {
        firing: title?.[1] === 'FIRING' ? Number(title[2]) : 0,
        resolved: title?.[1] === 'RESOLVED' ? Number.POSITIVE_INFINITY : undefined,
      });
    }
    return views;
  }
  if (names.size === 1) {
    const [name] = names;
    views.set(name!, countsIn(all));
    return views;
  }
  // a roll-up: one line per group
  for (const line of all.split('\n')) {
    const onLine = new Set(line.match(NAME) ?? []);
    if (onLine.size !== 1) continue;
    const [name] = onLine;
    if (!views.has(name!) || views.get(name!)!.firing === undefined) views.set(name!, countsIn(line));
  }
  for (const name of names) if (!views.has(name)) views.set(name, { firing: undefined, resolved: undefined });
  return views;
}

export interface StormObserver {
  /** Reads calls that arrived since the last poll. */
  poll(): void;
  /** From now on milestones look for resolved groups. */
  markResolving(): void;
  milestones(receiver: Receiver): Milestones;
  counts(receiver: Receiver): ReceiverCounts;
}

/** `groups`: group name -> alerts pushed (the P1 group is tracked for p1At only). */
export function createStormObserver(slack: FakeSlack, groups: ReadonlyMap<string, number>): StormObserver {
  const state = { mogo: newReceiverState(), alertmanager: newReceiverState() };
  let cursor = 0;
  let resolving = false;

  function apply(call: SlackCall): void {
    const receiver: Receiver = call.method === 'incoming-webhook' ? 'alertmanager' : 'mogo';
    const r = state[receiver];
    if (call.method === 'auth.test') return;
    r.calls++;
    if (call.rateLimited) r.rateLimited++;
    if (call.status !== 200 || call.response?.ok !== true) return;
    let key: string;
    if (call.method === 'incoming-webhook') key = `am:${cursor}`;
    else if (call.method === 'chat.postMessage') key = `${call.response.channel}:${call.response.ts}`;
    else if (call.method === 'chat.update') key = `${call.response.channel}:${call.response.ts}`;
    else return;
    const before = r.messages.get(key);
    const body = before === undefined ? call.body : { ...before.body, ...call.body };
    const shown: Shown = { groups: parseMessage(body, receiver), reply: typeof body.thread_ts === 'string' };
    r.messages.set(key, { body, shown });
    if (shown.groups.has('P1Outage') && r.milestones.p1At === null) r.milestones.p1At = call.at;
    for (const [name, view] of shown.groups) {
      if (receiver === 'alertmanager') r.latest.set(name, view);
      else {
        const keys = r.byGroup.get(name) ?? new Set<string>();
        keys.add(key);
        r.byGroup.set(name, keys);
      }
    }
    if (before !== undefined) {
      for (const name of before.shown.groups.keys()) {
        if (!shown.groups.has(name)) r.byGroup.get(name)?.delete(key);
      }
    }
    const c = countsOf(r, receiver, false);
    const total = groups.size;
    if (c.visible === total) r.milestones.allVisibleAt ??= call.at;
    if (!resolving && c.complete === total) r.milestones.allCompleteAt ??= call.at;
    if (resolving && c.resolved === total) r.milestones.allResolvedAt ??= call.at;
  }

  function viewsOf(r: ReceiverState, receiver: Receiver, name: string): GroupView[] {
    if (receiver === 'alertmanager') {
      const v = r.latest.get(name);
      return v === undefined ? [] : [v];
    }
    return [...(r.byGroup.get(name) ?? [])].map((k) => r.messages.get(k)!.shown.groups.get(name)!);
  }

  function countsOf(r: ReceiverState, receiver: Receiver, withDuplicates = true): ReceiverCounts {
    const out: ReceiverCounts = {
      visible: 0,
      complete: 0,
      resolved: 0,
      duplicates: 0,
      calls: r.calls,
      rateLimited: r.rateLimited,
    };
    for (const [name, pushed] of groups) {
      const views = viewsOf(r, receiver, name);
      if (views.length > 0) out.visible++;
      if (views.some((v) => v.firing === pushed)) out.complete++;
      if (views.some((v) => v.firing === 0 && (v.resolved ?? 0) >= pushed)) out.resolved++;
      if (!withDuplicates) continue;
      const topLevel = [...(r.byGroup.get(name) ?? [])].filter((k) => !r.messages.get(k)!.shown.reply);
      if (topLevel.length > 1) out.duplicates++;
    }
    return out;
  }

  return {
    poll() {
      while (cursor < slack.calls.length) {
        apply(slack.calls[cursor]!);
        cursor++;
      }
    },
    markResolving() {
      resolving = true;
    },
    milestones: (receiver) => ({ ...state[receiver].milestones }),
    counts: (receiver) => countsOf(state[receiver], receiver),
  };
}

interface ReceiverState {
  messages: Map<string, { body: Record<string, unknown>; shown: Shown }>;
  byGroup: Map<string, Set<string>>;
  latest: Map<string, GroupView>;
  milestones: Milestones;
  calls: number;
  rateLimited: number;
}

function newReceiverState(): ReceiverState {
  return {
    messages: new Map(),
    byGroup: new Map(),
    latest: new Map(),
    milestones: { allVisibleAt: null, allCompleteAt: null, allResolvedAt: null, p1At: null },
    calls: 0,
    rateLimited: 0,
  };
}
