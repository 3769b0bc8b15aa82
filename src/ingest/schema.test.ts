import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRfc3339, parseWebhook } from './schema';

const fixture = (name: string) =>
  JSON.parse(readFileSync(join(__dirname, '../../test/fixtures/alertmanager', name), 'utf8'));

describe('parseWebhook', () => {
  it('accepts what Alertmanager 0.25 sends and normalises the zero endsAt', () => {
    const r = parseWebhook(fixture('firing-3-alerts.json'));
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.notification.alerts).toHaveLength(3);
    expect(r.notification.alerts[0]?.endsAt).toBeNull();
    expect(r.notification.truncatedAlerts).toBe(0);
    expect(r.notification.groupKey).toBe('{}:{alertname="HighLatency", cluster="prod"}');
  });

  it('treats truncatedAlerts as optional (Alertmanager < 0.21)', () => {
    const r = parseWebhook(fixture('firing-2-alerts-no-truncated-field.json'));
    expect(r.ok && r.notification.truncatedAlerts).toBe(0);
  });

  it('keeps truncatedAlerts when sent', () => {
    const r = parseWebhook(fixture('firing-truncated.json'));
    expect(r.ok && r.notification.truncatedAlerts).toBe(1);
  });

  it('derives a stable fingerprint when an old sender omits it', () => {
    const body = fixture('firing-3-alerts.json');
    delete body.alerts[0].fingerprint;
    const a = parseWebhook(body);
    const b = parseWebhook(body);
    expect(a.ok && a.notification.alerts[0]?.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(a.ok && b.ok && a.notification.alerts[0]?.fingerprint).toBe(
      b.ok && b.notification.alerts[0]?.fingerprint,
    );
  });

  it.each([
    ['alerts[1].labels', (b: Record<string, any>) => (b.alerts[1].labels = 'x')],
    ['alerts[0].status', (b: Record<string, any>) => (b.alerts[0].status = 'burning')],
    ['groupKey', (b: Record<string, any>) => delete b.groupKey],
    ['version', (b: Record<string, any>) => (b.version = '3')],
    ['alerts[2].startsAt', (b: Record<string, any>) => (b.alerts[2].startsAt = 'yesterday')],
    ['alerts[0].labels.severity', (b: Record<string, any>) => (b.alerts[0].labels.severity = 3)],
    ['truncatedAlerts', (b: Record<string, any>) => (b.truncatedAlerts = -1)],
  ])('names the bad field %s', (path, mutate) => {
    const body = fixture('firing-3-alerts.json');
    mutate(body);
    const r = parseWebhook(body);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues.map((i) => i.path)).toContain(path);
  });

  it('rejects a body that is not an object', () => {
    const r = parseWebhook([1, 2]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0]?.path).toBe('(body)');
  });

  it('says plainly what is missing or of the wrong type', () => {
    const body = fixture('firing-3-alerts.json');
    delete body.receiver;
    body.alerts[0].labels = 'x';
    const r = parseWebhook(body);
    expect(r.ok ? [] : r.issues).toEqual([
      { path: 'receiver', message: 'is missing (expected a string)' },
      { path: 'alerts[0].labels', message: 'expected an object, got a string' },
    ]);
  });

  it.each([
    ['1'],
    ['Tue, 1 Jan 2030'],
    ['2024-01-01 (<!channel>)'],
    ['2024-02-30T00:00:00Z'],
    ['2024-01-01T00:00:00'],
  ])('refuses startsAt %j: not RFC 3339', (startsAt) => {
    const body = fixture('firing-3-alerts.json');
    body.alerts[1].startsAt = startsAt;
    const r = parseWebhook(body);
    expect(r.ok ? [] : r.issues.map((i) => i.path)).toEqual(['alerts[1].startsAt']);
  });

  it('refuses a bad endsAt but takes Go zero time and offsets', () => {
    const body = fixture('firing-3-alerts.json');
    body.alerts[0].endsAt = 'soon';
    const r = parseWebhook(body);
    expect(r.ok ? [] : r.issues.map((i) => i.path)).toEqual(['alerts[0].endsAt']);
    expect(isRfc3339('2026-11-23T23:14:28.594280365+05:30')).toBe(true);
    expect(isRfc3339('0001-01-01T00:00:00Z')).toBe(true);
    expect(isRfc3339('2026-11-23T24:00:00Z')).toBe(false);
  });

  it('replaces NUL, lone surrogates and control characters with U+FFFD and says where', () => {
    const body = fixture('firing-3-alerts.json');
    body.receiver = 'bot\u0000';
    body.groupKey = '{}:{x="\ud800"}';
    body.externalURL = 'http://am\u0085';
    body.alerts[0].labels['bad\u0001name'] = 'v';
    body.alerts[0].labels.instance = 'api-1\udc00\u001b[31m';
    body.alerts[0].annotations.summary = 'tab\tand\nnewline stay, 😀 stays';
    body.commonAnnotations.description = 'x\u007f';
    const r = parseWebhook(body);
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    const n = r.notification;
    expect(n.receiver).toBe('bot\ufffd');
    expect(n.groupKey).toBe('{}:{x="\ufffd"}');
    expect(n.externalURL).toBe('http://am\ufffd');
    expect(n.alerts[0]?.labels['bad\ufffdname']).toBe('v');
    expect(n.alerts[0]?.labels.instance).toBe('api-1\ufffd\ufffd[31m');
    expect(n.alerts[0]?.annotations.summary).toBe('tab\tand\nnewline stay, 😀 stays');
    expect(n.commonAnnotations.description).toBe('x\ufffd');
    expect(n.sanitized).toEqual({
      paths: [
        'receiver',
        'alerts[0].labels.instance',
        'alerts[0].labels.bad\ufffdname',
        'commonAnnotations.description',
        'externalURL',
        'groupKey',
      ],
      count: 6,
    });
  });

  it('says nothing about sanitising a clean body', () => {
    const r = parseWebhook(fixture('firing-3-alerts.json'));
    expect(r.ok && r.notification.sanitized).toBeUndefined();
  });
});
