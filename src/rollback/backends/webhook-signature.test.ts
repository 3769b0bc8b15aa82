import { signWebhook, verifyWebhook, webhookKey } from './webhook-signature';

// The published Standard Webhooks test vector: a receiver's stock library verifies what reproduces it.
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const TS = 1614265330;
const BODY = '{"test": 2432232314}';
const EXPECTED = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';

describe('Standard Webhooks signing', () => {
  it('reproduces the published test vector', () => {
    expect(signWebhook(webhookKey(SECRET), ID, TS, BODY)).toBe(EXPECTED);
  });

  it('verifies any matching v1 signature within the tolerance and nothing else', () => {
    const key = webhookKey(SECRET);
    const headers = { id: ID, timestamp: String(TS), signature: `v1,bm9wZQ== ${EXPECTED}` };

    expect(verifyWebhook(key, headers, BODY, TS + 10)).toBe(true);
    expect(verifyWebhook(key, headers, BODY, TS + 301)).toBe(false);
    expect(verifyWebhook(key, headers, `${BODY} `, TS)).toBe(false);
    expect(verifyWebhook(key, { ...headers, id: 'msg_other' }, BODY, TS)).toBe(false);
    expect(verifyWebhook(key, { ...headers, signature: EXPECTED.replace('v1,', 'v2,') }, BODY, TS)).toBe(
      false,
    );
  });

  it('uses a secret without the whsec_ prefix as its UTF-8 bytes', () => {
    expect(webhookKey('plain secret').equals(Buffer.from('plain secret', 'utf8'))).toBe(true);
    expect(() => webhookKey('whsec_not base64!')).toThrow(/base64/);
  });
});
