import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

/** A message the app sent back over the socket: the ack of one envelope, with the response Bolt put in it. */
export interface SocketAck {
  envelope_id: string;
  payload?: Record<string, unknown>;
}

/** What Slack pushes down the socket: `interactive`, `slash_commands`, `events_api`… */
export interface SocketEnvelope {
  envelope_id: string;
  type: string;
  payload: Record<string, unknown>;
  accepts_response_payload?: boolean;
  retry_attempt?: number;
  retry_reason?: string;
}

export interface FakeSocketMode {
  /** "ws://127.0.0.1:34567/link/?ticket=fake": what the fake Web API hands out from apps.connections.open. */
  readonly wsUrl: string;
  /** Every ack received, in arrival order. */
  readonly acks: readonly SocketAck[];
  /** How many WebSocket connections the app has opened so far. */
  readonly connections: number;
  /** Resolves once an app is connected (and has been sent `hello`); rejects after timeoutMs. */
  connected(timeoutMs?: number): Promise<void>;
  /** Pushes an envelope to the connected app (throws when none is connected). */
  send(envelope: SocketEnvelope): void;
  /** Resolves with the ack of `envelopeId` (past or future); rejects after timeoutMs. */
  waitForAck(envelopeId: string, timeoutMs?: number): Promise<SocketAck>;
  close(): Promise<void>;
}

/** Slack's greeting once the socket is open; the client reports "connected" only after it. */
const HELLO = {
  type: 'hello',
  num_connections: 1,
  debug_info: { host: 'fake', build_number: 1, approximate_connection_time: 3600 },
  connection_info: { app_id: 'A0MOGO' },
};

/**
 * Slack's Socket Mode server on 127.0.0.1 with a random port: greets each connection with `hello`, pushes the
 * envelopes a test sends and records the acks the app answers with. Pings are answered by `ws` itself.
 */
export async function startFakeSocketMode(): Promise<FakeSocketMode> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  const { port } = wss.address() as AddressInfo;

  const acks: SocketAck[] = [];
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const l of [...listeners]) l();
  };
  let current: WebSocket | undefined;
  let connections = 0;

  wss.on('connection', (ws) => {
    connections++;
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      try {
        const msg = JSON.parse(data.toString()) as SocketAck;
        if (typeof msg.envelope_id === 'string') acks.push(msg);
      } catch {
        // not JSON: nothing a real app sends; ignore it like Slack would
      }
      notify();
    });
    ws.on('close', () => {
      if (current === ws) current = undefined;
      notify();
    });
    ws.send(JSON.stringify(HELLO), (err) => {
      // connected once greeted: envelopes are only pushed after `hello`, as Slack does
      if (!err && ws.readyState === ws.OPEN) current = ws;
      notify();
    });
  });

  /** Polls `check` on every event until it returns a value; rejects with `what` after timeoutMs. */
  const waitUntil = <T>(check: () => T | undefined, what: string, timeoutMs: number) =>
    new Promise<T>((resolve, reject) => {
      const done = (settle: () => void) => {
        clearTimeout(timer);
        listeners.delete(poll);
        settle();
      };
      const poll = () => {
        const v = check();
        if (v !== undefined) done(() => resolve(v));
      };
      const timer = setTimeout(
        () => done(() => reject(new Error(`fake socket mode: ${what} within ${timeoutMs}ms`))),
        timeoutMs,
      );
      listeners.add(poll);
      poll();
    });

  return {
    wsUrl: `ws://127.0.0.1:${port}/link/?ticket=fake`,
    acks,
    get connections() {
      return connections;
    },
    connected: (timeoutMs = 10_000) =>
      waitUntil(() => (isOpen(current) ? true : undefined), 'no app connected', timeoutMs).then(
        () => undefined,
      ),
    send(envelope) {
      if (!isOpen(current)) throw new Error('fake socket mode: no app connected');
      current.send(JSON.stringify(envelope));
    },
    waitForAck: (envelopeId, timeoutMs = 5_000) =>
      waitUntil(() => acks.find((a) => a.envelope_id === envelopeId), `no ack for ${envelopeId}`, timeoutMs),
    async close() {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve, reject) => wss.close((e) => (e ? reject(e) : resolve())));
    },
  };
}

function isOpen(ws: WebSocket | undefined): ws is WebSocket {
  return ws !== undefined && ws.readyState === ws.OPEN;
}
