import { code, escapeText, link } from './mrkdwn';

const ZWJ = '\u200D';

describe('escapeText', () => {
  it('escapes the three entities, so text is never a mention or a link', () => {
    expect(escapeText('<!channel> <@U1> <https://x|y> a&b')).toBe(
      '&lt;!channel&gt; &lt;@U1&gt; &lt;https://x|y&gt; a&amp;b',
    );
  });

  it('fences every formatting character with zero-width joiners', () => {
    const out = escapeText('*bold* _it_ ~x~ `c`');
    expect(out).toBe(
      ['*', 'bold', '*', ' ', '_', 'it', '_', ' ', '~', 'x', '~', ' ', '`', 'c', '`']
        .map((p) => (/^[*_~`]$/.test(p) ? `${ZWJ}${p}${ZWJ}` : p))
        .join(''),
    );
    expect(out.replaceAll(ZWJ, '')).toBe('*bold* _it_ ~x~ `c`');
  });
});

describe('link', () => {
  it('links http(s) URLs only; anything else is shown as text', () => {
    expect(link('https://runbooks.example/a|b', 'Runbook')).toBe('<https://runbooks.example/a%7Cb|Runbook>');
    expect(link('javascript:alert(1)', 'Runbook')).toBe('Runbook: javascript:alert(1)');
    expect(link('slack://open?team=x', 'Source')).toBe('Source: slack://open?team=x');
    expect(link('not a url <!here>', 'Source')).toBe('Source: not a url &lt;!here&gt;');
  });
});

describe('code', () => {
  it('keeps a backtick or a line break from ending the code span', () => {
    expect(code('a`b\n*c*')).toBe("`a'b *c*`");
  });
});
