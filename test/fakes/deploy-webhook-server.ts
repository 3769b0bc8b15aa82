import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A deploy webhook receiver on 127.0.0.1 that checks the Standard Webhooks signature the way a receiving
 * service should (https://www.standardwebhooks.com): it is written apart from mogo's signer on purpose, so a
 * signing bug cannot be mirrored by a verifying bug.
 */

/** The secret the receiver uses unless told otherwise; set it as the target's `secret_env` variable. */
export const DEPLOY_WEBHOOK_SECRET = `whsec_${Buffer.from('mogo-test-deploy-webhook-secret-32b').toString('base64')}`;

export interface DeployWebhookCall {
  /** Request headers, lower-cased names. */
  headers: Record<string, string>;
  /** The parsed JSON body (the raw text when it is not JSON). */
  body: unknown;
  /** The body exactly as received; the signature covers these bytes. */
  raw: string;
  /** True when one `v1,` signature matches and the timestamp is within the tolerance. */
  verified: boolean;
  /** Why verification failed, when it did. */
  failure?: string;
  /** The HTTP status answered. */
  status: number;
  at: number;
}

export interface DeployWebhookServer {
  /** "http://127.0.0.1:<port>/deploy" (any path is accepted). */
  readonly url: string;
  readonly calls: readonly DeployWebhookCall[];
  /** Every later call is answered with `status` and `body` (JSON). Default: 202 {"accepted": true}. */
  respondWith(status: number, body?: unknown, headers?: Record<string, string>): void;
  /** The next call only is answered so (queued answers come before the respondWith one). */
  respondNext(status: number, body?: unknown, headers?: Record<string, string>): void;
  /** Every later call is answered `ms` later (0 removes the delay). */
  delay(ms: number): void;
  /** Resolves once `n` calls were received; rejects after timeoutMs. */
  waitForCalls(n: number, timeoutMs?: number): Promise<readonly DeployWebhookCall[]>;
  close(): Promise<void>;
}

export interface DeployWebhookServerOptions {
  /** The shared secret; "whsec_<base64>" or raw text (used as UTF-8 bytes). Default DEPLOY_WEBHOOK_SECRET. */
  secret?: string;
  /** Accepted clock difference for webhook-timestamp, seconds. Default 300 (the spec's suggestion). */
  toleranceSeconds?: number;
  /** Answer 401 to unverified calls (a strict receiver). Default false: record and answer normally. */
  rejectUnverified?: boolean;
}

interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export async function startDeployWebhookServer(
  opts: DeployWebhookServerOptions = {},
): Promise<DeployWebhookServer> {
  const key = keyOf(opts.secret ?? DEPLOY_WEBHOOK_SECRET);
  const tolerance = opts.toleranceSeconds ?? 300;
  const calls: DeployWebhookCall[] = [];
  const queued: Answer[] = [];
  let standing: Answer = { status: 202, body: { accepted: true } };
  let delayMs = 0;

  const server = createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req);
      if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
      const headers = flatHeaders(req);
      const check = verify(key, headers, raw, tolerance);
      let answer = queued.shift() ?? standing;
      if (!check.ok && opts.rejectUnverified) answer = { status: 401, body: { error: check.failure } };
      calls.push({
        headers,
        body: parseJson(raw),
        raw,
        verified: check.ok,
        ...(check.ok ? {} : { failure: check.failure }),
        status: answer.status,
        at: Date.now(),
      });
      const text = answer.body === undefined ? '' : JSON.stringify(answer.body);
      res
        .writeHead(answer.status, {
          ...(text ? { 'content-type': 'application/json' } : {}),
          ...answer.headers,
        })
        .end(text);
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/deploy`,
    calls,
    respondWith(status, body, headers) {
      standing = { status, body, ...(headers ? { headers } : {}) };
    },
    respondNext(status, body, headers) {
      queued.push({ status, body, ...(headers ? { headers } : {}) });
    },
    delay(ms) {
      delayMs = ms;
    },
    async waitForCalls(n, timeoutMs = 5000) {
      const started = Date.now();
      while (calls.length < n) {
        if (Date.now() - started > timeoutMs) {
          throw new Error(`deploy webhook: ${calls.length} of ${n} calls within ${timeoutMs}ms`);
        }
        await new Promise((r) => setTimeout(r, 10));
      }
      return calls;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
}

/** Standard Webhooks: a "whsec_" secret is base64 after the prefix; anything else is taken as UTF-8 bytes. */
function keyOf(secret: string): Buffer {
  return secret.startsWith('whsec_') ? Buffer.from(secret.slice(6), 'base64') : Buffer.from(secret, 'utf8');
}

function verify(
  key: Buffer,
  headers: Record<string, string>,
  raw: string,
  toleranceSeconds: number,
): { ok: true } | { ok: false; failure: string } {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (!id || !timestamp || !signatures) return { ok: false, failure: 'missing webhook-* headers' };
  if (!/^\d+$/.test(timestamp)) return { ok: false, failure: 'webhook-timestamp is not unix seconds' };
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > toleranceSeconds) {
    return { ok: false, failure: 'webhook-timestamp outside the tolerance' };
  }
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${raw}`).digest();
  for (const entry of signatures.split(' ')) {
    const [version, sig] = entry.split(',', 2);
    if (version !== 'v1' || sig === undefined) continue;
    const given = Buffer.from(sig, 'base64');
    if (given.length === expected.length && timingSafeEqual(given, expected)) return { ok: true };
  }
  return { ok: false, failure: 'no matching v1 signature' };
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
