import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { blockActionPayload, interactionBody, slashCommandBody } from '../helpers/slack-sign';

/**
 * Hand-rolled generators for the fuzz test: a seeded PRNG (mulberry32) so a failure is reproduced by its seed
 * and index, and bodies shaped like what a broken Alertmanager or a hostile client would send. No library:
 * the shapes are few and mutating a real fixture finds more than generic JSON would.
 */
export type Rng = () => number;

export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const int = (rng: Rng, max: number): number => Math.floor(rng() * max);
export const pick = <T>(rng: Rng, items: readonly T[]): T => items[int(rng, items.length)]!;

const ODD = [
  '',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfff',
  '\u0007\u001b[31m\u0085',
  '\u202eevil',
  '👩‍👩‍👧 😀',
  'e\u0301\u0301\u0301',
  '<!channel>',
  '<@U123|x>',
  '*bold* _it_ ~s~ `c`',
  '&amp;&lt;',
  'null',
  '1',
  'Tue, 1 Jan 2030',
  '0001-01-01T00:00:00Z',
  '2026-11-23T23:14:28Z',
  '9999-12-31T23:59:59.999999999+14:00',
  '\uffff\ufffe',
];

export function oddString(rng: Rng): string {
  const r = rng();
  if (r < 0.6) return pick(rng, ODD);
  if (r < 0.9) {
    let s = '';
    for (let i = int(rng, 20); i > 0; i--) s += String.fromCharCode(int(rng, 0x10000));
    return s;
  }
  return pick(rng, ODD).repeat(1 + int(rng, 4000));
}

export function oddValue(rng: Rng, depth = 0): unknown {
  switch (int(rng, depth > 2 ? 5 : 7)) {
    case 0:
      return int(rng, 3) === 0 ? -1 : rng() * 1e12;
    case 1:
      return rng() < 0.5;
    case 2:
      return null;
    case 3:
    case 4:
      return oddString(rng);
    case 5:
      return Array.from({ length: int(rng, 4) }, () => oddValue(rng, depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: int(rng, 4) }, () => [oddString(rng), oddValue(rng, depth + 1)]),
      );
  }
}

const fixture = JSON.parse(
  readFileSync(join(__dirname, '../fixtures/alertmanager/firing-3-alerts.json'), 'utf8'),
) as Record<string, any>;

/** Sets or deletes a random field somewhere in a webhook body. */
function mutate(rng: Rng, body: Record<string, any>): void {
  const alerts: unknown[] = Array.isArray(body.alerts) ? body.alerts : [];
  const alert = alerts[int(rng, alerts.length)] as Record<string, any> | undefined;
  const targets: Record<string, any>[] = [body, body.groupLabels, body.commonLabels, body.commonAnnotations];
  if (alert && typeof alert === 'object') targets.push(alert, alert.labels, alert.annotations);
  const target = pick(rng, targets);
  if (!target || typeof target !== 'object') return;
  const keys = Object.keys(target);
  const key = rng() < 0.7 && keys.length > 0 ? pick(rng, keys) : oddString(rng);
  const r = rng();
  if (r < 0.15) delete target[key];
  else if (r < 0.75) target[key] = oddString(rng);
  else target[key] = oddValue(rng);
}

/** A webhook body: a mutated real notification (mostly), or text that is not one at all. */
export function webhookBody(rng: Rng, n: number): string | Uint8Array {
  const r = rng();
  if (r < 0.05) return JSON.stringify(fixture).slice(0, int(rng, 2000));
  if (r < 0.08) return Uint8Array.from({ length: int(rng, 300) }, () => int(rng, 256));
  if (r < 0.1) return '['.repeat(int(rng, 100_000));
  if (r < 0.12) return JSON.stringify(oddValue(rng));
  if (r < 0.125) return JSON.stringify({ ...fixture, junk: 'x'.repeat(1024 * 1024) });
  const body = structuredClone(fixture);
  body.groupKey = `${body.groupKey}:${n}`;
  body.alerts = body.alerts.slice(0, 1 + int(rng, 3));
  for (let i = int(rng, 5); i > 0; i--) mutate(rng, body);
  return JSON.stringify(body);
}

const ACTION_IDS = ['mogo_ack', 'mogo_unack', 'mogo_silence_link', 'mogo_rollback', 'no_such_action'];

/** A body Slack might send to /slack/events, with its content type. */
export function slackBody(rng: Rng, groupIds: string[]): { body: string; contentType: string } {
  const form = 'application/x-www-form-urlencoded';
  const r = rng();
  if (r < 0.3) {
    const payload = blockActionPayload({
      user: pick(rng, ['UALICE', oddString(rng)]),
      channel: pick(rng, ['C0001', oddString(rng)]),
      ts: pick(rng, ['1700000000.000100', oddString(rng)]),
      actionId: pick(rng, ACTION_IDS),
      value: rng() < 0.5 && groupIds.length > 0 ? pick(rng, groupIds) : oddString(rng),
    });
    if (rng() < 0.3) delete payload[pick(rng, Object.keys(payload))];
    return { body: interactionBody(payload), contentType: form };
  }
  if (r < 0.45) {
    const command = pick(rng, ['/incident', '/nope', oddString(rng)]);
    const body = slashCommandBody({ command, text: oddString(rng), user_id: 'UALICE', channel_id: 'C0001' });
    return { body, contentType: form };
  }
  if (r < 0.55) {
    const type = pick(rng, ['shortcut', 'message_action', 'view_submission', 'view_closed', oddString(rng)]);
    const payload = { type, callback_id: oddString(rng), user: { id: 'UALICE' }, view: oddValue(rng) };
    return { body: interactionBody(payload), contentType: form };
  }
  if (r < 0.7) {
    const event = { type: pick(rng, ['app_mention', 'message', oddString(rng)]), text: oddString(rng) };
    const body = { type: pick(rng, ['event_callback', 'url_verification']), challenge: 'c', event };
    return { body: JSON.stringify(body), contentType: 'application/json' };
  }
  if (r < 0.8)
    return {
      body: `payload=${encodeURIComponent(Buffer.from(oddString(rng)).toString())}`,
      contentType: form,
    };
  if (r < 0.9)
    return { body: JSON.stringify(oddValue(rng)), contentType: pick(rng, [form, 'application/json']) };
  return { body: oddString(rng), contentType: pick(rng, [form, 'application/json', 'text/plain']) };
}
