import { checkWebhookAuth } from './auth';

const token = 'a-long-enough-token-1234';
const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

describe('checkWebhookAuth', () => {
  const cfg = { token, loopbackOnly: true };
  it('accepts Bearer and Basic (token as password, any user)', () => {
    expect(checkWebhookAuth(cfg, `Bearer ${token}`, '10.0.0.1')).toEqual({ ok: true });
    expect(checkWebhookAuth(cfg, `bearer ${token}`, '10.0.0.1')).toEqual({ ok: true });
    expect(checkWebhookAuth(cfg, basic('alertmanager', token), '10.0.0.1')).toEqual({ ok: true });
  });
  it('rejects a wrong or missing token, and a token in the user name', () => {
    expect(checkWebhookAuth(cfg, 'Bearer nope', '127.0.0.1')).toEqual({
      ok: false,
      reason: 'bad_credentials',
    });
    expect(checkWebhookAuth(cfg, undefined, '127.0.0.1')).toEqual({
      ok: false,
      reason: 'missing_credentials',
    });
    expect(checkWebhookAuth(cfg, basic(token, 'x'), '127.0.0.1')).toEqual({
      ok: false,
      reason: 'bad_credentials',
    });
    expect(checkWebhookAuth(cfg, `Token ${token}`, '127.0.0.1')).toEqual({
      ok: false,
      reason: 'missing_credentials',
    });
  });
  it('without a token accepts loopback only, unless opened up', () => {
    const open = { token: undefined, loopbackOnly: true };
    expect(checkWebhookAuth(open, undefined, '::ffff:127.0.0.1')).toEqual({ ok: true });
    expect(checkWebhookAuth(open, undefined, '192.168.1.5')).toEqual({ ok: false, reason: 'not_loopback' });
    expect(checkWebhookAuth({ token: undefined, loopbackOnly: false }, undefined, '192.168.1.5')).toEqual({
      ok: true,
    });
  });
});
