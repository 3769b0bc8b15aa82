/**
 * Hot reload of the rule directory. The rules in force are one immutable RuleSet; a reload reads and compiles
 * the whole directory and swaps the reference only when everything is valid, so an alert routed while a
 * reload runs sees either the old set or the new one, never a mix. An invalid change is rejected (one log
 * line per problem, a metric, an audit row) and the rules in force stay.
 *
 * Triggers: reload() (SIGHUP in main.ts) and, after start(), file events in the directory, debounced so an
 * editor's rename-write or a ConfigMap's `..data` symlink swap is one reload. The directory itself may be
 * replaced (a new directory renamed into place, a symlink re-pointed): the parent is watched for that, and the
 * watch is re-established on the new directory.
 */
import { type FSWatcher, statSync, watch } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { Logger } from '../logger';
import type { AuditLog } from '../ports';
import { compileDir } from './load';
import { formatProblem, type RuleSet } from './types';

/** Narrow metrics hook; metrics.ts adapts it to `mogo_rules_reloads_total{result}`. */
export interface RulesReloadMetrics {
  reloaded(result: 'ok' | 'rejected'): void;
}

export interface RulesReloaderOptions {
  dir: string;
  /** The rules loaded at start-up (loadRules), in force until a reload succeeds. */
  initial: RuleSet;
  logger: Logger;
  audit: Pick<AuditLog, 'append'>;
  metrics?: RulesReloadMetrics;
  /** Called after a changed, valid rule set was swapped in. */
  onReload?: (next: RuleSet, previous: RuleSet) => void;
  /** Quiet time after the last file event before reloading; default 300 ms. */
  debounceMs?: number;
}

/** The RulesProvider the use cases read, plus the controls main.ts needs. */
export interface RulesReloader {
  current(): RuleSet;
  /**
   * Reloads now. Resolves true when the directory's rules are in force (swapped in, or unchanged), false when
   * the change was rejected. Calls made while a reload waits to start share it; reloads never overlap.
   */
  reload(reason: string): Promise<boolean>;
  /** Starts watching the directory. */
  start(): void;
  /** Stops watching and waits for a running reload to finish. */
  stop(): Promise<void>;
}

const FILE_CHANGE = 'file change';

export function createRulesReloader(opts: RulesReloaderOptions): RulesReloader {
  const { dir, audit, metrics } = opts;
  const log = opts.logger.child({ module: 'rules', rulesDir: dir });
  const subject = `rules:${dir}`;
  const debounceMs = opts.debounceMs ?? 300;
  let rules = opts.initial;
  let lastRejected: string | undefined;
  let chain: Promise<unknown> = Promise.resolve();
  let waiting: Promise<boolean> | undefined;

  async function attempt(reason: string): Promise<boolean> {
    const result = await compileDir(dir);
    if ('ruleSet' in result) {
      lastRejected = undefined;
      const next = result.ruleSet;
      if (next.digest === rules.digest) {
        log.debug({ reason, digest: next.digest }, 'rules unchanged');
        return true;
      }
      const previous = rules;
      rules = next;
      const details = { reason, digest: next.digest, previousDigest: previous.digest, files: next.files };
      log.info(
        details,
        `rules reloaded (${reason}): ${next.rules.length} rules from ${next.files.length} files`,
      );
      metrics?.reloaded('ok');
      audit.append({ actor: 'mogo', action: 'rules.reloaded', subject, details });
      try {
        opts.onReload?.(next, previous);
      } catch (e) {
        log.error({ err: e }, 'onReload failed');
      }
      return true;
    }
    const problems = result.problems.map(formatProblem);
    const key = `${result.digest}\n${problems.join('\n')}`;
    if (key === lastRejected) {
      const level = reason === FILE_CHANGE ? 'debug' : 'warn';
      log[level](
        { reason, problems: problems.length, digest: rules.digest },
        'rules are still invalid, unchanged since the last rejection; the rules in force stay',
      );
      return false;
    }
    lastRejected = key;
    for (const p of problems) log.error({ reason }, p);
    log.warn(
      { reason, problems: problems.length, digest: rules.digest },
      `rules change rejected (${reason}): ${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}; the rules in force (digest ${rules.digest.slice(0, 12)}) stay`,
    );
    metrics?.reloaded('rejected');
    audit.append({
      actor: 'mogo',
      action: 'rules.rejected',
      subject,
      details: { reason, problems, digest: result.digest, inForce: rules.digest },
    });
    return false;
  }

  function reload(reason: string): Promise<boolean> {
    if (waiting) return waiting;
    const run = chain.then(() => {
      waiting = undefined;
      return attempt(reason);
    });
    waiting = run;
    chain = run.catch((e: unknown) => log.error({ err: e, reason }, 'rules reload failed'));
    return run;
  }

  const target = resolve(dir);
  let running = false;
  let timer: NodeJS.Timeout | undefined;
  let dirWatcher: FSWatcher | undefined;
  let parentWatcher: FSWatcher | undefined;
  let watchedIno: number | undefined;

  const schedule = (event: string, file: string | null) => {
    if (!running) return;
    log.debug({ event, file }, 'rule directory changed');
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      watchDir();
      reload(FILE_CHANGE).catch(() => undefined);
    }, debounceMs);
    timer.unref();
  };

  /** (Re)watches the directory when it is new (another inode, e.g. after a rename or a symlink swap). */
  function watchDir(): void {
    let ino: number | undefined;
    try {
      ino = statSync(target).ino;
    } catch {
      ino = undefined;
    }
    if (dirWatcher && ino === watchedIno) return;
    dirWatcher?.close();
    dirWatcher = undefined;
    watchedIno = ino;
    if (ino === undefined || !running) return;
    try {
      dirWatcher = watch(target, { persistent: false }, schedule);
      dirWatcher.on('error', (e) => {
        log.warn({ err: e }, 'watching the rule directory failed; watching again');
        dirWatcher?.close();
        dirWatcher = undefined;
        schedule('error', null);
      });
    } catch (e) {
      log.warn({ err: e }, 'cannot watch the rule directory; reload with SIGHUP');
    }
  }

  return {
    current: () => rules,
    reload,
    start() {
      if (running) return;
      running = true;
      watchDir();
      try {
        parentWatcher = watch(dirname(target), { persistent: false }, (_event, name) => {
          if (name === null || name === basename(target)) schedule(`parent ${_event}`, name);
        });
        parentWatcher.on('error', () => {
          parentWatcher?.close();
          parentWatcher = undefined;
        });
      } catch (e) {
        log.debug({ err: e }, 'cannot watch the rule directory’s parent; a replaced directory needs SIGHUP');
      }
      log.info({ debounceMs }, 'watching the rule directory for changes (SIGHUP reloads too)');
    },
    async stop() {
      running = false;
      clearTimeout(timer);
      timer = undefined;
      dirWatcher?.close();
      parentWatcher?.close();
      dirWatcher = undefined;
      parentWatcher = undefined;
      await chain;
    },
  };
}
