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
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
