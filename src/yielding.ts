/**
 * Long, CPU-bound work (a 10,000-alert notification) is written as a generator that yields between slices;
 * these run one. The event loop must never stall: /healthz, Slack's 3-second acks and other webhooks get their
 * turn between slices.
 */

/** Runs `steps` to the end at once, returning its result. */
export function runAtOnce<T>(steps: Generator<void, T>): T {
  for (let step = steps.next(); ; step = steps.next()) if (step.done) return step.value;
}

/** Runs `steps` with a turn of the event loop between slices. */
export async function runYielding<T>(steps: Generator<void, T>): Promise<T> {
  for (let step = steps.next(); ; step = steps.next()) {
    if (step.done) return step.value;
    await nextTurn();
  }
}

/** Lets the event loop run whatever waits (I/O, timers) before going on: between slices of work done in turns. */
export function nextTurn(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}
