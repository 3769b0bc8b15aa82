import { createStormObserver, parseMessage } from '../../bench/storm-observe';
import type { FakeSlack, SlackCall } from '../fakes/slack-server';

/** The storm benchmark's reading of Slack messages: what a person would count as visible and complete. */
const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

describe('storm benchmark: reading the channel', () => {
  it('reads a mogo group message without taking "P3 FIRING" for a count', () => {
    const body = {
      text: '[P3] FIRING Storm007: Storm007 is unhappy (12 firing, 3 resolved)',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: ':large_yellow_circle: P3 FIRING · Storm007' } },
        section('*Storm007*: Storm007 is unhappy\n*FIRING* · firing 12 · resolved 3'),
      ],
    };

    expect(parseMessage(body, 'mogo')).toEqual(new Map([['Storm007', { firing: 12, resolved: 3 }]]));
  });

  it('reads a roll-up line per group', () => {
    const body = {
      text: 'Storm roll-up',
      blocks: [section('P2 Storm001 · 12 firing · 3 resolved · 4m\nP3 Storm002 · 50 firing · 0 resolved')],
    };

    expect(parseMessage(body, 'mogo')).toEqual(
      new Map([
        ['Storm001', { firing: 12, resolved: 3 }],
        ['Storm002', { firing: 50, resolved: 0 }],
      ]),
    );
  });

  it('reads Alertmanager’s default title', () => {
    const firing = { channel: '#storm', attachments: [{ title: '[FIRING:50] Storm010 (host-1 info)' }] };
    const resolved = { channel: '#storm', attachments: [{ title: '[RESOLVED] Storm010' }] };

    expect(parseMessage(firing, 'alertmanager').get('Storm010')).toEqual({ firing: 50, resolved: undefined });
    expect(parseMessage(resolved, 'alertmanager').get('Storm010')?.firing).toBe(0);
  });

  it('times milestones by the call that made them true, and counts 429s and duplicates', () => {
    const calls: SlackCall[] = [];
    const call = (at: number, method: string, body: Record<string, unknown>, status = 200, ts = '1.0') =>
      calls.push({
        method,
        body,
        token: null,
        path: '',
        at,
        status,
        rateLimited: status === 429,
        response: status === 200 ? { ok: true, channel: 'C1', ts } : { ok: false, error: 'ratelimited' },
      });
    const observer = createStormObserver({ calls } as unknown as FakeSlack, new Map([['Storm001', 2]]));

    call(10, 'chat.postMessage', { text: 'Storm001 (1 firing)' }, 429);
    call(20, 'chat.postMessage', { text: 'Storm001 (1 firing)' });
    call(30, 'chat.update', { ts: '1.0', text: 'Storm001 (2 firing)' });
    call(40, 'chat.postMessage', { text: 'Storm001 again (2 firing)' }, 200, '2.0');
    call(50, 'incoming-webhook', { attachments: [{ title: '[FIRING:1] P1Outage' }] });
    observer.poll();

    expect(observer.milestones('mogo')).toMatchObject({ allVisibleAt: 20, allCompleteAt: 30, p1At: null });
    expect(observer.milestones('alertmanager').p1At).toBe(50);
    expect(observer.counts('mogo')).toMatchObject({ calls: 4, rateLimited: 1, duplicates: 1, complete: 1 });
  });
});
