import { createHmac } from 'node:crypto';
import {
  DEPLOY_WEBHOOK_SECRET,
  type DeployWebhookServer,
  startDeployWebhookServer,
} from './deploy-webhook-server';

let hook: DeployWebhookServer;

afterEach(async () => {
  await hook.close();
});

function signed(
  body: string,
  id = 'msg_1',
  secret = DEPLOY_WEBHOOK_SECRET,
  ts = Math.floor(Date.now() / 1000),
) {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const sig = createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest('base64');
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(ts),
    'webhook-signature': `v1,${sig}`,
  };
}

describe('fake deploy webhook receiver', () => {
  it('verifies a Standard Webhooks signature and records the call', async () => {
    hook = await startDeployWebhookServer();
    const body = JSON.stringify({ type: 'mogo.rollback', id: 'msg_1' });

    const res = await fetch(hook.url, { method: 'POST', headers: signed(body), body });

    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: true });
    expect(hook.calls).toHaveLength(1);
    expect(hook.calls[0]).toMatchObject({ verified: true, body: { type: 'mogo.rollback' }, raw: body });
    expect(hook.calls[0]!.headers['webhook-id']).toBe('msg_1');
  });

  it('accepts any one of several space-separated signatures', async () => {
    hook = await startDeployWebhookServer();
    const body = '{}';
    const headers = signed(body);
    headers['webhook-signature'] = `v1,AAAA ${headers['webhook-signature']}`;

    await fetch(hook.url, { method: 'POST', headers, body });

    expect(hook.calls[0]!.verified).toBe(true);
  });

  it.each([
    ['a tampered body', (h: Record<string, string>) => h, '{"x":2}', 'no matching v1 signature'],
    [
      'an old timestamp',
      (h: Record<string, string>) => ({
        ...h,
        'webhook-timestamp': String(Math.floor(Date.now() / 1000) - 600),
      }),
      '{"x":1}',
      'webhook-timestamp outside the tolerance',
    ],
    [
      'missing headers',
      (h: Record<string, string>) => ({ 'content-type': h['content-type']! }),
      '{"x":1}',
      'missing webhook-* headers',
    ],
  ])('does not verify %s', async (_name, mutate, sentBody, failure) => {
    hook = await startDeployWebhookServer();

    await fetch(hook.url, { method: 'POST', headers: mutate(signed('{"x":1}')), body: sentBody });

    expect(hook.calls[0]).toMatchObject({ verified: false, failure });
  });

  it('uses a raw (non-whsec) secret as UTF-8 bytes and can reject unverified calls', async () => {
    hook = await startDeployWebhookServer({ secret: 'plain-secret', rejectUnverified: true });
    const body = '{}';
    const ts = Math.floor(Date.now() / 1000);
    const sig = createHmac('sha256', 'plain-secret').update(`m2.${ts}.${body}`).digest('base64');
    const good = { 'webhook-id': 'm2', 'webhook-timestamp': String(ts), 'webhook-signature': `v1,${sig}` };

    const ok = await fetch(hook.url, { method: 'POST', headers: good, body });
    const bad = await fetch(hook.url, { method: 'POST', headers: signed(body, 'm2'), body });

    expect([ok.status, bad.status]).toEqual([202, 401]);
    expect(hook.calls.map((c) => c.verified)).toEqual([true, false]);
  });

  it('answers queued responses first, then the standing one', async () => {
    hook = await startDeployWebhookServer();
    hook.respondWith(200, { ok: true });
    hook.respondNext(503, { error: 'down' });
    const post = () => fetch(hook.url, { method: 'POST', headers: signed('{}'), body: '{}' });

    const statuses = [(await post()).status, (await post()).status];

    expect(statuses).toEqual([503, 200]);
    await expect(hook.waitForCalls(2)).resolves.toHaveLength(2);
    expect(hook.calls.map((c) => c.status)).toEqual([503, 200]);
  });
});
