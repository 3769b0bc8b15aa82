import { samplePostmortemInput, t } from '../../test/fakes/incident';
import { postmortemOf } from './postmortem';

describe('postmortem draft', () => {
  const pm = postmortemOf(samplePostmortemInput);

  it('measures from the first alert', () => {
    expect(pm.durations).toMatchObject({
      toAcknowledgeMs: 3 * 60_000,
      toMitigateMs: 20 * 60_000,
      toResolveMs: 65 * 60_000,
    });
    expect(pm.impact).toEqual({ from: t(0), to: t(65) });
  });
});
