import { plainFallback } from './plain';

describe('plainFallback', () => {
  test('keeps the words of sections, headers and context, drops menus and buttons, and says it shortened', () => {
    const m = plainFallback({
      text: 'fallback',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'P2 FIRING · Storm' } },
        {
          type: 'section',
          text: { type: 'mrkdwn', text: '*Storm*: 3 firing' },
          accessory: { type: 'static_select', options: [{ text: { type: 'plain_text', text: 'option' } }] },
        },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'why' }] },
        {
          type: 'actions',
          elements: [{ type: 'button', text: { type: 'plain_text', text: 'Acknowledge' } }],
        },
      ],
    });
    expect(m.blocks).toEqual([]);
    expect(m.text).toBe(
      'P2 FIRING · Storm\n*Storm*: 3 firing\nwhy\n_(shortened: Slack refused the full message)_',
    );
  });

  test('stays within 3,000 characters however long the message', () => {
    const long = 'x'.repeat(10_000);
    const m = plainFallback({
      text: long,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: long } }],
    });
    expect(m.text.length).toBeLessThanOrEqual(3000);
    expect(m.text).toContain('shortened');
  });
});
