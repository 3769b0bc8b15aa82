import { AppError } from '../../errors';
import type { ProgressFn } from '../deployer';
import type { Runtime } from './runtime';

/** One look at a running operation: finished with a value, or still going with a progress line. */
export type Step<T> = { done: true; value: T } | { done: false; line: string };

/**
 * Looks at an operation every pollIntervalMs until it ends, reporting each new progress line once. A look
 * that fails with a retryable error (the backend blinked) does not end the wait: the operation runs on the
 * backend whether or not we can see it, so only the deadline ends it, with ROLLBACK_TIMEOUT.
 */
export async function follow<T>(
  rt: Runtime,
  what: string,
  look: () => Promise<Step<T>>,
  progress: ProgressFn,
): Promise<T> {
  const started = rt.now();
  let last = '';
  for (;;) {
    let line: string;
    try {
      const step = await look();
      if (step.done) return step.value;
      line = step.line;
    } catch (e) {
      if (!(e instanceof AppError) || !e.retryable) throw e;
      line = `cannot see ${what} right now, still waiting (${e.message})`;
    }
    if (line !== last) {
      progress(line);
      last = line;
    }
    const elapsed = rt.now() - started;
    if (elapsed >= rt.timeoutMs) {
      throw new AppError(
        'ROLLBACK_TIMEOUT',
        `target "${rt.target}": ${what} did not finish within ${formatDuration(rt.timeoutMs)}; last seen: ${last}`,
        { details: { target: rt.target, timeoutMs: rt.timeoutMs, last } },
      );
    }
    await rt.sleep(Math.min(rt.pollIntervalMs, rt.timeoutMs - elapsed));
  }
}

function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 120_000) return `${Math.round(ms / 1000)}s`;
  return `${Math.round(ms / 60_000)} minutes`;
}
