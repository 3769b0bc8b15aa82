import { durationProblemText, silenceOutcomeText } from './silence-text';

describe('silence words', () => {
  it('say why a typed duration is refused', () => {
    expect(durationProblemText({ problem: 'not_a_duration', text: 'soon' })).toBe(
      '"soon" is not a duration; use e.g. 90m, 2h or 1d',
    );
    expect(durationProblemText({ problem: 'too_short' })).toBe('a silence lasts at least 1m');
    expect(durationProblemText({ problem: 'too_long' })).toBe('a silence lasts at most 30d');
    expect(silenceOutcomeText({ kind: 'bad_duration', problem: 'not_a_duration', text: '<!here>' })).toBe(
      'Not silenced: "&lt;!here&gt;" is not a duration; use e.g. 90m, 2h or 1d.',
    );
  });
});
