import { parseCommandText } from './registry';

describe('parseCommandText', () => {
  it('splits the verb (lower-cased) from its words', () => {
    const p = parseCommandText('  SILENCE ab12cd   2h  ');
    expect(p.verb).toBe('silence');
    expect(p.args).toEqual(['ab12cd', '2h']);
  });

  it('keeps a quoted phrase together, straight or curly quotes', () => {
    expect(parseCommandText('silence ab12 90m "disk swap in progress"').args).toEqual([
      'ab12',
      '90m',
      'disk swap in progress',
    ]);
    expect(parseCommandText('silence ab12 1d “night work”').args[2]).toBe('night work');
  });

  it('restAfter gives the raw remainder, one pair of quotes removed', () => {
    const p = parseCommandText('silence ab12 90m "rack 4: swap" ');
    expect(p.restAfter(2)).toBe('rack 4: swap');
    expect(parseCommandText('silence ab12 90m disk is being swapped').restAfter(2)).toBe(
      'disk is being swapped',
    );
    expect(parseCommandText('list alertname="High Latency", env=~"prod|stage"').restAfter(0)).toBe(
      'alertname="High Latency", env=~"prod|stage"',
    );
    expect(parseCommandText('ack ab12').restAfter(1)).toBe('');
  });

  it('empty text has an empty verb', () => {
    expect(parseCommandText('   ')).toMatchObject({ verb: '', args: [] });
  });
});
