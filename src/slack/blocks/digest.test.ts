import { sampleAlert, sampleGroup } from '../../../test/fakes/alert-group';
import type { AlertGroup } from '../../domain/group';
import { DIGEST_MAX_GROUPS, renderDigest } from './digest';

const since = new Date('2026-05-01T09:00:00.000Z');
const until = new Date('2026-05-02T09:00:00.000Z');

const group = (n: number, over: Partial<AlertGroup> = {}): AlertGroup =>
  sampleGroup(`{}:{alertname="A${n}"}`, {
    commonLabels: { alertname: `Disk<${n}>` },
    routing: {
      priority: 'P4',
      score: 10,
      channel: '#alerts',
      mentions: ['@here'],
      notify: false,
      matched: [],
      explain: ['rule info: +10', 'score 10 → P4'],
    },
    ...over,
  });

describe('renderDigest', () => {
  it('lists each group with status, alertname, counts, priority and why; mentions nobody', () => {
    const resolved = group(2, {
      status: 'resolved',
      alerts: [sampleAlert('fp1', 'resolved'), sampleAlert('fp2', 'resolved')],
    });

    const msg = renderDigest({ channel: '#alerts', since, until, groups: [group(1), resolved], total: 2 });

    expect(msg.text).toBe('Digest: 2 alert groups changed (not posted one by one)');
    expect(msg.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: 'Digest: 2 alert groups changed', emoji: true },
    });
    expect(JSON.stringify(msg.blocks[1])).toContain('<!date^1777626000^');
    expect(msg.blocks.slice(3)).toEqual([
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          verbatim: true,
          text:
            ':large_blue_circle: *Disk&lt;1&gt;* · P4 FIRING · firing 1 · resolved 0\n' +
            '_rule info: +10 · score 10 → P4_',
        },
      },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          verbatim: true,
          text:
            ':white_check_mark: *Disk&lt;2&gt;* · P4 RESOLVED · firing 0 · resolved 2\n' +
            '_rule info: +10 · score 10 → P4_',
        },
      },
    ]);
    expect(JSON.stringify(msg)).not.toContain('@here');
  });

  it('says the score and rules when the rules gave no explanation', () => {
    const g = group(1);
    g.routing = { ...g.routing, explain: [], matched: [{ rule: 'info', weight: 10 }] };
    const msg = renderDigest({ channel: '#a', since, until, groups: [g], total: 1 });
    expect(msg.text).toBe('Digest: 1 alert group changed (not posted one by one)');
    expect(JSON.stringify(msg.blocks[3])).toContain('_score 10 · info (+10)_');
  });

  it('stops at the limit with "…and N more", inside Slack\'s 50 blocks', () => {
    const groups = Array.from({ length: 30 }, (_, i) => group(i));

    const msg = renderDigest({ channel: '#a', since, until, groups, total: 45 });

    const sections = msg.blocks.filter((b) => b.type === 'section');
    expect(sections).toHaveLength(DIGEST_MAX_GROUPS);
    expect(msg.blocks.at(-1)).toEqual({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `…and ${45 - DIGEST_MAX_GROUPS} more`, verbatim: true }],
    });
    expect(msg.blocks.length).toBeLessThanOrEqual(50);
  });
});
