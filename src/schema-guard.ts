import type { Logger } from './logger';

/** What this process may do on the database schema it found: take work, or stay out of the way and why. */
export type SchemaVerdict = { ok: true } | { ok: false; reason: string };

/**
 * The policy, pure. A process runs only on the schema it ships. A newer one means a newer replica migrated the
 * database during a rolling upgrade: this one's queries may read and write where the new code no longer looks
 * (migration 9 moved a group's alerts into group_alerts), so it takes no work until it is replaced. An older
 * one (a database restored from before this mogo's migrations) is only fixed by a restart, which migrates.
 */
export function schemaVerdict(shipped: number, applied: number): SchemaVerdict {
  if (applied > shipped)
    return {
      ok: false,
      reason: `database schema v${applied} is newer than this mogo (v${shipped}): an upgrade is rolling out`,
    };
  if (applied < shipped)
    return {
      ok: false,
      reason: `database schema v${applied} is older than this mogo (v${shipped}): restart this replica to migrate it`,
    };
  return { ok: true };
}

export interface SchemaGuardDeps {
  /** The last migration this code ships. */
  shipped: number;
  /** The database's applied version (one query). */
  read: () => Promise<number>;
  /** How often the timer reads it. */
  everyMs: number;
  logger: Logger;
  /** Told each version read (metrics). */
  observed?: (shipped: number, applied: number) => void;
}

/** Whether this process may take work that writes or renders now; createApp pauses and resumes by it. */
export interface WorkGate {
  /** Why this process must take no work now; undefined while it may. */
  notReady(): string | undefined;
  /** Calls `listener` when that changes: a reason when work must stop, undefined when it may start again. */
  onChange(listener: (reason: string | undefined) => void): void;
}

export interface SchemaGuard extends WorkGate {
  /** Reads the version once and acts on a change; a failed read keeps the last verdict (readyz pings the database). */
  check(): Promise<void>;
  /** Checks every `everyMs` on an unref'd timer. */
  start(): void;
  stop(): void;
}

/** Reads the applied schema version at start-up and then periodically; the verdict gates readiness and work. */
export function createSchemaGuard(deps: SchemaGuardDeps): SchemaGuard {
  const log = deps.logger.child({ module: 'schema-guard' });
  let reason: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let checking: Promise<void> | undefined;
  const listeners: ((reason: string | undefined) => void)[] = [];

  const readOnce = async () => {
    let applied: number;
    try {
      applied = await deps.read();
    } catch (err) {
      log.debug({ err }, 'could not read the schema version; keeping the last verdict');
      return;
    }
    deps.observed?.(deps.shipped, applied);
    const verdict = schemaVerdict(deps.shipped, applied);
    const next = verdict.ok ? undefined : verdict.reason;
    if (next === reason) return;
    reason = next;
    if (next) log.error({ code: deps.shipped, database: applied }, `${next}; not ready, taking no work`);
    else
      log.info(
        { code: deps.shipped, database: applied },
        `database schema is v${applied} again; taking work`,
      );
    for (const listener of listeners) listener(next);
  };

  const check = () => {
    checking ??= readOnce().finally(() => {
      checking = undefined;
    });
    return checking;
  };

  return {
    notReady: () => reason,
    onChange: (listener) => void listeners.push(listener),
    check,
    start() {
      if (timer) return;
      timer = setInterval(() => void check(), deps.everyMs);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
  };
}

/** Work started and stopped as a whole: app.start/stop, and the gate in between. */
export interface Work {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * `work` runs from start() to stop(), except while the gate says not ready: it stops then, and starts again
 * when the gate says ready. Without a gate it simply runs.
 */
export function runWhileReady(gate: WorkGate | undefined, logger: Logger, work: Work): Work {
  let started = false;
  let running = false;
  let turn: Promise<void> = Promise.resolve();
  const set = (on: boolean) => {
    // one change at a time, in order; a failed one does not block the next
    turn = turn
      .catch(() => undefined)
      .then(async () => {
        if (running === on) return;
        running = on;
        await (on ? work.start() : work.stop());
      });
    return turn;
  };
  gate?.onChange((reason) => {
    if (!started) return;
    set(reason === undefined).catch((err) =>
      logger.error({ err }, reason ? 'pausing work failed' : 'resuming work failed'),
    );
  });
  return {
    async start() {
      started = true;
      if (!gate?.notReady()) await set(true);
    },
    async stop() {
      started = false;
      await set(false);
    },
  };
}
