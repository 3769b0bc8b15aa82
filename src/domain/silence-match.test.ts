import { silenceCovers } from './silence-match';

const m = (name: string, value: string, isRegex = false, isEqual = true) => ({
  name,
  value,
  isRegex,
  isEqual,
});

describe('silenceCovers', () => {
  it('reads matchers as Alertmanager does: equality, anchored regex, negation, missing label as ""', () => {
    const labels = { alertname: 'DiskFull', instance: 'db-1' };
    expect(silenceCovers([m('alertname', 'DiskFull')], labels)).toBe(true);
    expect(silenceCovers([m('alertname', 'DiskFull'), m('instance', 'db-2')], labels)).toBe(false);
    expect(silenceCovers([m('instance', 'db-.')], labels)).toBe(false);
    expect(silenceCovers([m('instance', 'db-.', true)], labels)).toBe(true);
    expect(silenceCovers([m('instance', 'db', true)], labels)).toBe(false); // anchored
    expect(silenceCovers([m('instance', 'db-1', false, false)], labels)).toBe(false);
    expect(silenceCovers([m('team', '')], labels)).toBe(true);
    expect(silenceCovers([m('instance', '(', true)], labels)).toBe(false); // a broken regex selects nothing
  });
});
