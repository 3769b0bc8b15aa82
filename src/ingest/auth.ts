import { createHash, timingSafeEqual } from 'node:crypto';

export type AuthResult =
  | { ok: true }
  | { ok: false; reason: 'missing_credentials' | 'bad_credentials' | 'not_loopback' };

export interface WebhookAuthConfig {
  token: string | undefined;
  /** No token configured: accept only connections from this machine (local mode). */
  loopbackOnly: boolean;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * Alertmanager's http_config can send the token as `Authorization: Bearer <token>` or as the password of Basic
 * auth (any user name). Both are compared in constant time over fixed-length digests.
 */
export function checkWebhookAuth(
  cfg: WebhookAuthConfig,
  authorization: string | undefined,
  remoteAddress: string | undefined,
): AuthResult {
  if (!cfg.token) {
    if (cfg.loopbackOnly && !LOOPBACK.has(remoteAddress ?? '')) return { ok: false, reason: 'not_loopback' };
    return { ok: true };
  }
  const presented = credentialOf(authorization);
  if (presented === undefined) return { ok: false, reason: 'missing_credentials' };
  return constantTimeEqual(presented, cfg.token) ? { ok: true } : { ok: false, reason: 'bad_credentials' };
}

function credentialOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const space = header.indexOf(' ');
  if (space < 0) return undefined;
  const scheme = header.slice(0, space).toLowerCase();
  const value = header.slice(space + 1).trim();
  if (scheme === 'bearer') return value;
  if (scheme === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon < 0 ? undefined : decoded.slice(colon + 1);
  }
  return undefined;
}

function constantTimeEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a).digest();
  const db = createHash('sha256').update(b).digest();
  return timingSafeEqual(da, db);
}
