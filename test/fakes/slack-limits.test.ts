import { createSlackLimiter, INCOMING_WEBHOOK, type SlackLimiter } from './slack-limits';

let t = 0;
const clock = (): number => t;

function burst(limiter: SlackLimiter, method: string, n: number, channel?: string): boolean[] {
  return Array.from({ length: n }, () => limiter.take(method, channel).ok);
}

beforeEach(() => {
  t = 1_000_000;
});

describe('Slack rate limiter (token buckets)', () => {
  it('lets chat.postMessage burst 3 into one channel, then refuses with Retry-After 1', () => {
    const limiter = createSlackLimiter(undefined, clock);

    expect(burst(limiter, 'chat.postMessage', 3, 'C1')).toEqual([true, true, true]);
    expect(limiter.take('chat.postMessage', 'C1')).toEqual({ ok: false, retryAfter: 1 });
  });

  it('refills one chat.postMessage token per second per channel', () => {
    const limiter = createSlackLimiter(undefined, clock);
    burst(limiter, 'chat.postMessage', 3, 'C1');

    t += 999;
    const early = limiter.take('chat.postMessage', 'C1').ok;
    t += 1;
    const onTime = limiter.take('chat.postMessage', 'C1').ok;
    const again = limiter.take('chat.postMessage', 'C1').ok;

    expect([early, onTime, again]).toEqual([false, true, false]);
  });

  it('keeps channels independent', () => {
    const limiter = createSlackLimiter(undefined, clock);
    burst(limiter, 'chat.postMessage', 3, 'C1');

    expect(limiter.take('chat.postMessage', 'C1').ok).toBe(false);
    expect(burst(limiter, 'chat.postMessage', 3, 'C2')).toEqual([true, true, true]);
  });

  it('caps chat.postMessage per workspace across channels (300/min, burst 30)', () => {
    const limiter = createSlackLimiter(undefined, clock);

    const first30 = Array.from({ length: 30 }, (_, i) => limiter.take('chat.postMessage', `C${i}`).ok);
    const refused = limiter.take('chat.postMessage', 'Cfresh');

    expect(first30.every(Boolean)).toBe(true);
    expect(refused).toEqual({ ok: false, retryAfter: 1 });
    t += 200; // 300/min = one token per 200 ms
    expect(limiter.take('chat.postMessage', 'Cfresh').ok).toBe(true);
  });

  it('answers Retry-After as the whole seconds until a token is back (Tier 3: 50/min, burst 10)', () => {
    const limiter = createSlackLimiter(undefined, clock);
    expect(burst(limiter, 'chat.update', 10).every(Boolean)).toBe(true);

    expect(limiter.take('chat.update')).toEqual({ ok: false, retryAfter: 2 }); // 1.2 s per token
    t += 1200;
    expect(limiter.take('chat.update').ok).toBe(true);
    expect(limiter.take('chat.update')).toEqual({ ok: false, retryAfter: 2 });
    t += 1000;
    expect(limiter.take('chat.update')).toEqual({ ok: false, retryAfter: 1 });
  });

  it('does not charge a refused call, so waiting Retry-After is enough', () => {
    const limiter = createSlackLimiter(undefined, clock);
    burst(limiter, 'usergroups.users.list', 3);

    const refused = burst(limiter, 'usergroups.users.list', 50);
    t += 3000; // Tier 2: 20/min = one per 3 s

    expect(refused.some(Boolean)).toBe(false);
    expect(limiter.take('usergroups.users.list').ok).toBe(true);
  });

  it('limits incoming webhooks to 1 per second per webhook URL with burst 2', () => {
    const limiter = createSlackLimiter(undefined, clock);

    expect(burst(limiter, INCOMING_WEBHOOK, 3, '/services/T1/B1/x')).toEqual([true, true, false]);
    expect(limiter.take(INCOMING_WEBHOOK, '/services/T1/B2/y').ok).toBe(true);
    t += 1000;
    expect(limiter.take(INCOMING_WEBHOOK, '/services/T1/B1/x').ok).toBe(true);
  });

  it('never limits methods without a rule, nor anything when limits are off', () => {
    const on = createSlackLimiter(undefined, clock);
    const off = createSlackLimiter(false, clock);

    expect(burst(on, 'auth.test', 100).every(Boolean)).toBe(true);
    expect(burst(off, 'chat.postMessage', 100, 'C1').every(Boolean)).toBe(true);
  });

  it('applies per-method overrides and keeps the other defaults', () => {
    const limiter = createSlackLimiter(
      { 'chat.update': { perMinute: 600, burst: 100 }, 'chat.postMessage': false },
      clock,
    );

    expect(burst(limiter, 'chat.update', 100).every(Boolean)).toBe(true);
    expect(limiter.take('chat.update').ok).toBe(false);
    expect(burst(limiter, 'chat.postMessage', 50, 'C1').every(Boolean)).toBe(true);
    expect(burst(limiter, 'conversations.info', 11)[10]).toBe(false);
  });

  it('gives an override without a scope the method’s own scope (per channel for chat.postMessage)', () => {
    const limiter = createSlackLimiter({ 'chat.postMessage': { perMinute: 60, burst: 1 } }, clock);

    expect(limiter.take('chat.postMessage', 'C1').ok).toBe(true);
    expect(limiter.take('chat.postMessage', 'C1').ok).toBe(false);
    expect(limiter.take('chat.postMessage', 'C2').ok).toBe(true);
  });

  it('refuses an override that could never let a call through', () => {
    expect(() => createSlackLimiter({ 'chat.update': { perMinute: 0, burst: 1 } }, clock)).toThrow(
      /perMinute > 0/,
    );
  });

  it('starts full again after reset()', () => {
    const limiter = createSlackLimiter(undefined, clock);
    burst(limiter, 'chat.postMessage', 3, 'C1');

    limiter.reset();

    expect(limiter.take('chat.postMessage', 'C1').ok).toBe(true);
  });
});
