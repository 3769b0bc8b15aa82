import { createLogger } from '../logger';
import { guardAck } from './ack-deadline';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger('debug', { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}

/** Slack gets exactly one answer per request, and gets it before its 3 s are up. */
describe('guardAck', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('sends the first ack only; a second one and the deadline send nothing', async () => {
    const { logger, lines } = capture();
    const sent: unknown[] = [];
    const guard = guardAck((r) => void sent.push(r), logger, 'block_actions');

    await guard.ack({ text: 'first' });
    await guard.ack({ text: 'second' });
    await guard.settle();
    jest.advanceTimersByTime(10_000);

    expect(sent).toEqual([{ text: 'first' }]);
    expect(guard.claim()).toBe(false);
    expect(lines).toEqual([]);
  });

  it('answers empty at 2.5 s when nothing acked, warns, and ignores the listener that acks later', async () => {
    const { logger, lines } = capture();
    const sent: unknown[] = [];
    const guard = guardAck((r) => void sent.push(r), logger, 'shortcut');

    jest.advanceTimersByTime(2_499);
    expect(sent).toEqual([]);
    jest.advanceTimersByTime(1);
    await Promise.resolve();
    await guard.ack({ text: 'too late' });

    expect(sent).toEqual([undefined]);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 40,
        type: 'shortcut',
        msg: 'no Slack listener acked within 2.5 s; answered empty',
      }),
    ]);
  });

  it('settle() answers empty when no listener acked, and stops the deadline', async () => {
    const { logger, lines } = capture();
    const sent: unknown[] = [];
    const guard = guardAck((r) => void sent.push(r), logger, 'view_submission');

    await guard.settle();
    jest.advanceTimersByTime(10_000);

    expect(sent).toEqual([undefined]);
    expect(lines).toEqual([]);
  });

  it('claim() takes the answer for an error response: nothing is sent after it', async () => {
    const { logger } = capture();
    const sent: unknown[] = [];
    const guard = guardAck((r) => void sent.push(r), logger, 'block_actions');

    expect(guard.claim()).toBe(true);
    await guard.ack({ text: 'x' });
    await guard.settle();
    jest.advanceTimersByTime(10_000);

    expect(sent).toEqual([]);
    expect(guard.claim()).toBe(false);
  });

  it('a failed send rejects the listener ack but is only logged from the deadline (socket closed)', async () => {
    const { logger, lines } = capture();
    const closed = () => Promise.reject(new Error('socket closed'));

    await expect(guardAck(closed, logger, 'block_actions').ack()).rejects.toThrow('socket closed');

    guardAck(closed, logger, 'shortcut');
    jest.advanceTimersByTime(2_500);
    await jest.runAllTimersAsync();
    expect(lines.map((l) => l.msg)).toEqual([
      'no Slack listener acked within 2.5 s; answered empty',
      'could not ack the Slack request',
    ]);
  });
});
