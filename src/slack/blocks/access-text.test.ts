import type { Denial } from '../../rollback/access';
import { denialText } from './access-text';

const prod = { kind: 'rollback', target: 'api', environment: 'production' } as const;

describe('denialText', () => {
  it('says what was refused and which roles would grant it', () => {
    const cases: [Denial, string][] = [
      [{ reason: 'no_role', action: prod, roles: [] }, 'No role may roll back api (production).'],
      [
        { reason: 'not_a_member', action: { ...prod, kind: 'approve' }, roles: ['sre', 'leads'] },
        'You need a role that may approve rollbacks of api (production) (sre, leads).',
      ],
      [
        { reason: 'directory_unavailable', action: { kind: 'silence' }, roles: ['sre'] },
        'mogo could not check your Slack user groups just now, so it cannot let you silence alerts. Try again in a minute.',
      ],
      [
        { reason: 'not_a_member', action: { kind: 'ack' }, roles: ['oncall'] },
        'You need a role that may acknowledge alerts (oncall).',
      ],
      [
        { reason: 'not_a_member', action: { kind: 'declare' }, roles: ['responders'] },
        'Declaring an incident needs a role with the declare permission (responders).',
      ],
      [
        { reason: 'directory_unavailable', action: { kind: 'declare' }, roles: ['responders'] },
        'mogo could not check your Slack user groups just now; try again in a minute.',
      ],
      [
        { reason: 'not_a_member', action: { kind: 'steer', lead: 'ULEAD' }, roles: [] },
        "Only the incident's lead (<@ULEAD>) and role holders (or an incident admin) can change that.",
      ],
      [
        { reason: 'not_a_member', action: { kind: 'steer', lead: undefined }, roles: [] },
        "Only the incident's lead and role holders (or an incident admin) can change that.",
      ],
    ];
    for (const [denial, text] of cases) expect(denialText(denial)).toBe(text);
  });
});
