import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import { sanitizeJson } from '../ingest/sanitize';

/**
 * A receiver whose events reach Bolt with every string made safe (NUL, lone surrogates and other controls become
 * U+FFFD), as SlackHttpReceiver does in HTTP mode. Socket Mode payloads are stored just the same (a dialog's
 * incident title, a silence comment), and PostgreSQL refuses those characters.
 */
export function sanitizingReceiver(inner: Receiver): Receiver {
  return {
    init(app: App) {
      const processEvent = (event: ReceiverEvent) =>
        app.processEvent({ ...event, body: sanitizeJson(event.body).value });
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
