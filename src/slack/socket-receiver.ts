import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import { sanitizeJson } from '../ingest/sanitize';
import type { Logger } from '../logger';
import { guardAck } from './ack-deadline';

/**
 * Bolt's SocketModeReceiver with the intake SlackHttpReceiver gives HTTP mode. Every string is made safe (NUL,
 * lone surrogates and other controls become U+FFFD): Socket Mode payloads are stored just the same (a dialog's
 * incident title, a silence comment), and PostgreSQL refuses those characters. And every envelope is acked
 * once, in time: Bolt's socket ack waits for a listener, so an envelope nobody listens to (unknown action_id,
 * shortcut or view) would go unanswered and Slack would show the user an error. It is acked empty once Bolt is
 * done with it, or at the deadline if a listener is still busy without acking. When Bolt itself fails on the
 * envelope, the receiver's own error handler decides, as before (it acks only authorization failures).
 */
export function socketReceiver(inner: Receiver, logger: Logger): Receiver {
  const log = logger.child({ module: 'slack-socket-receiver' });
  return {
    init(app: App) {
      const processEvent = async (event: ReceiverEvent) => {
        const body = sanitizeJson(event.body).value;
        const guard = guardAck(event.ack, log, body.type);
        try {
          await app.processEvent({ ...event, body, ack: guard.ack });
        } catch (err) {
          guard.claim();
          throw err;
        }
        await guard.settle();
      };
      inner.init(
        new Proxy(app, {
          get: (target, key) => (key === 'processEvent' ? processEvent : Reflect.get(target, key, target)),
        }),
      );
    },
    start: (...args) => inner.start(...args),
    stop: (...args) => inner.stop(...args),
  };
}
