import { createLogger } from '../logger';
import { periodOf, scheduleDigest } from './digest';

const quiet = createLogger('silent');

describe('digest job', () => {
  it('a tick belongs to its minute, so replicas ticking together share one period', () => {
    expect(periodOf(new Date('2026-05-01T09:00:00.000Z'))).toEqual(new Date('2026-05-01T09:00:00.000Z'));
    expect(periodOf(new Date('2026-05-01T09:00:59.999Z'))).toEqual(new Date('2026-05-01T09:00:00.000Z'));
  });

  it('calls the use case on schedule with the tick period and retries a failed period', async () => {
    const calls: Date[] = [];
    const now = new Date('2026-05-01T09:00:42.123Z');
    const job = scheduleDigest(
      async (periodStart) => {
        calls.push(periodStart);
        return { failed: ['#alerts'] };
      },
      () => now,
      quiet,
      { expression: '* * * * * *', timeZone: 'UTC', retryDelayMs: 20, maxRetries: 2 },
    );
    try {
      const deadline = Date.now() + 3000;
      while (calls.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    } finally {
      await job.stop();
    }
    expect(calls.length).toBeGreaterThanOrEqual(3); // the tick and its two retries (maybe another tick)
    expect(new Set(calls.map((d) => d.toISOString()))).toEqual(new Set(['2026-05-01T09:00:00.000Z']));
  });
});
