import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import { createLogger } from '../logger';
import { socketReceiver } from './socket-receiver';

function wrap(processEvent: (e: ReceiverEvent) => Promise<void>) {
  let app: App | undefined;
  const calls: string[] = [];
  const inner: Receiver = {
    init: (a) => {
      app = a;
    },
    start: async () => void calls.push('start'),
    stop: async () => void calls.push('stop'),
  };
  const bolt = { processEvent, name: 'bolt' } as unknown as App;
  const receiver = socketReceiver(inner, createLogger('silent'));
  receiver.init(bolt);
  return { receiver, calls, app: () => app! };
}

describe('socketReceiver', () => {
  /** Issue 9, item 1 in Socket Mode: what Slack sends is made safe before any listener (or PostgreSQL) sees it. */
  it('hands Bolt the event with NUL, lone surrogates and controls replaced; start and stop pass through', async () => {
    const seen: ReceiverEvent[] = [];
    const { receiver, calls, app } = wrap(async (e) => void seen.push(e));
    await app().processEvent({
      body: { type: 'view_submission', view: { title: 'DB\u0000 down\ud800\u0007', ok: 'naïve 😀\n' } },
      ack: async () => {},
    });
    expect(seen.map((e) => e.body)).toEqual([
      { type: 'view_submission', view: { title: 'DB\ufffd down\ufffd\ufffd', ok: 'naïve 😀\n' } },
    ]);
    expect((app() as unknown as { name: string }).name).toBe('bolt');
    await receiver.start();
    await receiver.stop();
    expect(calls).toEqual(['start', 'stop']);
  });

  it("acks the envelope once: the listener's answer, or empty when no listener acked", async () => {
    const acks: unknown[] = [];
    const ack = async (r?: unknown) => void acks.push(r);
    const { app } = wrap(async (e) => {
      if (e.body.type !== 'block_actions') return; // no listener for it
      await e.ack({ text: 'done' });
      await e.ack({ text: 'twice' });
    });
    await app().processEvent({ body: { type: 'block_actions' }, ack });
    await app().processEvent({ body: { type: 'shortcut', callback_id: 'nope' }, ack });
    expect(acks).toEqual([{ text: 'done' }, undefined]);
  });

  it('leaves an envelope Bolt failed on to the receiver: rethrown, not acked', async () => {
    const acks: unknown[] = [];
    const { app } = wrap(async () => {
      throw new Error('no team id');
    });
    await expect(
      app().processEvent({ body: { type: 'block_actions' }, ack: async (r?: unknown) => void acks.push(r) }),
    ).rejects.toThrow('no team id');
    expect(acks).toEqual([]);
  });
});
