import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import { sanitizingReceiver } from './sanitizing-receiver';

/** Issue 9, item 1 in Socket Mode: what Slack sends is made safe before any listener (or PostgreSQL) sees it. */
describe('sanitizingReceiver', () => {
  it('hands Bolt the event with NUL, lone surrogates and controls replaced; start and stop pass through', async () => {
    let app: App | undefined;
    const calls: string[] = [];
    const inner: Receiver = {
      init: (a) => {
        app = a;
      },
      start: async () => void calls.push('start'),
      stop: async () => void calls.push('stop'),
    };
    const seen: ReceiverEvent[] = [];
    const bolt = {
      processEvent: async (e: ReceiverEvent) => void seen.push(e),
      name: 'bolt',
    } as unknown as App;
    const receiver = sanitizingReceiver(inner);
    receiver.init(bolt);
    const ack = async () => {};
    await app!.processEvent({
      body: { type: 'view_submission', view: { title: 'DB\u0000 down\ud800\u0007', ok: 'naïve 😀\n' } },
      ack,
    });
    expect(seen).toEqual([
      {
        body: { type: 'view_submission', view: { title: 'DB\ufffd down\ufffd\ufffd', ok: 'naïve 😀\n' } },
        ack,
      },
    ]);
    expect((app as unknown as { name: string }).name).toBe('bolt');
    await receiver.start();
    await receiver.stop();
    expect(calls).toEqual(['start', 'stop']);
  });
});
