import type { Logger } from '../logger';

/** Slack shows the user an error when a request is not answered within 3 s; mogo answers empty at 2.5 s. */
export const ACK_DEADLINE_MS = 2_500;

/**
 * The one answer Slack gets to one request, whichever comes first: a listener's ack, the deadline, the empty ack
 * after Bolt found no listener, or (claim) an error answer of the receiver's own.
 */
export interface AckGuard {
  /** The ack handed to Bolt's listeners: the first call answers, later ones (a second ack, a late one) do nothing. */
  ack(response?: unknown): Promise<void>;
  /** Answers empty unless something already answered; a failed send is logged, not thrown. */
  settle(): Promise<void>;
  /** Takes the answer for something else (an error response): true when nothing had answered yet. */
  claim(): boolean;
}

/**
 * Guards `send` (HTTP: write the response; Socket Mode: the envelope's ack) so it runs at most once, and runs it
 * empty at the deadline when nothing has answered by then. A send that fails (the socket closed) rejects the
 * listener's ack, as Bolt's own would; from the deadline or settle() it is only logged.
 */
export function guardAck(
  send: (response?: unknown) => void | Promise<void>,
  log: Logger,
  type: unknown,
  deadlineMs = ACK_DEADLINE_MS,
): AckGuard {
  let answered = false;
  const claim = () => {
    if (answered) return false;
    answered = true;
    clearTimeout(timer);
    return true;
  };
  const ack = async (response?: unknown) => {
    if (claim()) await send(response);
  };
  const settle = () =>
    ack().catch((err: unknown) => log.warn({ err, type }, 'could not ack the Slack request'));
  const timer = setTimeout(() => {
    if (answered) return;
    log.warn({ type }, `no Slack listener acked within ${deadlineMs / 1000} s; answered empty`);
    void settle();
  }, deadlineMs);
  timer.unref();
  return { ack, settle, claim };
}
