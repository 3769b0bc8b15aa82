import { Webhook } from 'standardwebhooks';

/**
 * Standard Webhooks signing (https://www.standardwebhooks.com) by the spec's own TypeScript library,
 * `standardwebhooks`: HMAC-SHA256 over "${id}.${timestamp}.${body}", sent as `webhook-signature: v1,<base64>`.
 *
 * The key is still read here, not by the library: given a string, `new Webhook(secret)` base64-decodes it
 * whether or not it starts with "whsec_", so a plain secret such as "correct horse" would be silently turned
 * into other bytes (or rejected), and its `format: "raw"` takes a string's UTF-16 code units, not UTF-8. mogo
 * promises "whsec_<base64>" as the spec has it and any other secret as its UTF-8 bytes, so it decodes the key
 * itself and hands the library bytes.
 */

export function webhookKey(secret: string): Buffer {
  if (!secret.startsWith('whsec_')) return Buffer.from(secret, 'utf8');
  const b64 = secret.slice('whsec_'.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64))
    throw new Error('a "whsec_" secret must be base64 after the prefix');
  return Buffer.from(b64, 'base64');
}

/** Signs deliveries with one key: the `webhook-signature` header value for an id, timestamp and body. */
export function createWebhookSigner(
  key: Uint8Array,
): (id: string, timestampSeconds: number, body: string) => string {
  const webhook = new Webhook(key, { format: 'raw' });
  return (id, timestampSeconds, body) => webhook.sign(id, new Date(timestampSeconds * 1000), body);
}
