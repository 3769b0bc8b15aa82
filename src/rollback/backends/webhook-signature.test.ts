import { Webhook } from 'standardwebhooks';
import { createWebhookSigner, webhookKey } from './webhook-signature';

// The published Standard Webhooks test vector: a receiver's stock library verifies what reproduces it.
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const TS = 1614265330;
const BODY = '{"test": 2432232314}';
const EXPECTED = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';

describe('Standard Webhooks signing', () => {
  it('reproduces the published test vector', () => {
    expect(createWebhookSigner(webhookKey(SECRET))(ID, TS, BODY)).toBe(EXPECTED);
  });

  it("is accepted by the receiving side's stock library, for a plain secret too", () => {
    const now = Math.floor(Date.now() / 1000);
    const plain = 'correct horse battery staple';
    const headers = (secret: string) => ({
      'webhook-id': ID,
      'webhook-timestamp': String(now),
      'webhook-signature': createWebhookSigner(webhookKey(secret))(ID, now, BODY),
    });

    expect(new Webhook(SECRET).verify(BODY, headers(SECRET))).toEqual({ test: 2432232314 });
    expect(new Webhook(Buffer.from(plain, 'utf8'), { format: 'raw' }).verify(BODY, headers(plain))).toEqual({
      test: 2432232314,
    });
    expect(() => new Webhook(SECRET).verify(`${BODY} `, headers(SECRET))).toThrow(/No matching signature/);
  });

  it('uses a secret without the whsec_ prefix as its UTF-8 bytes', () => {
    expect(webhookKey('plain secret').equals(Buffer.from('plain secret', 'utf8'))).toBe(true);
    expect(webhookKey('pässwörd').equals(Buffer.from('pässwörd', 'utf8'))).toBe(true);
    expect(() => webhookKey('whsec_not base64!')).toThrow(/base64/);
  });
});
