import { sampleRollback } from '../../../test/fakes/rollback-record';
import type { Denial } from '../../rollback/access';
import { refusalText, rollbackEventText } from './rollback-text';

/** The words people see for each use-case outcome and event (the use cases themselves are tested on meaning). */
describe('rollback words', () => {
  const pending = sampleRollback('pending', {
    expiresAt: new Date('2026-11-23T23:35:00Z'),
    plan: 'rev 42 -> 41',
  });
  const running = sampleRollback('running', { approvedBy: 'UBOB' });

  it('words each refusal', () => {
    expect(refusalText({ kind: 'group_gone' })).toBe('This alert group is no longer known to mogo.');
    expect(refusalText({ kind: 'no_target' })).toContain('no rollback target');
    expect(refusalText({ kind: 'target_changed' })).toContain('changed since the dialog opened');
    expect(refusalText({ kind: 'request_gone' })).toContain('does not know this rollback request');
    const denial: Denial = {
      reason: 'no_role',
      action: { kind: 'rollback', target: 'x', environment: 'prod' },
      roles: [],
    };
    expect(refusalText({ kind: 'denied', denial })).toBe(
      ':no_entry: No role may roll back x (prod). Nothing was rolled back.',
    );
    expect(refusalText({ kind: 'self_approval' })).toContain('two-person rule');
    expect(refusalText({ kind: 'busy', active: pending })).toMatch(
      /^\*api-prod\* already has a rollback request by <@UALICE> waiting for approval until <!date\^/,
    );
    expect(refusalText({ kind: 'busy', active: running })).toBe(
      '*api-prod* is already being rolled back by <@UALICE> (approved by <@UBOB>).',
    );
    expect(refusalText({ kind: 'not_pending', record: running })).toContain('it is running');
    expect(refusalText({ kind: 'expired', record: pending })).toContain('the request expired');
  });

  it('words each event as a thread reply', () => {
    expect(rollbackEventText({ kind: 'rollback.pending', record: pending })).toContain(
      '<@UALICE> asks to roll back *api-prod* (argocd, production): rev 42 -&gt; 41.',
    );
    expect(rollbackEventText({ kind: 'rollback.started', record: running })).toBe(
      ':rewind: Rolling back *api-prod* (argocd, production) for <@UALICE>, approved by <@UBOB>…',
    );
    expect(rollbackEventText({ kind: 'rollback.progress', record: running, line: 'step <1>' })).toBe(
      '> step &lt;1&gt;',
    );
    expect(rollbackEventText({ kind: 'rollback.progress_cut', record: running })).toContain(
      'further progress is not shown',
    );
    expect(
      rollbackEventText({
        kind: 'rollback.succeeded',
        record: running,
        summary: 'all steps done',
        seconds: 75,
      }),
    ).toBe(':white_check_mark: Rolled back *api-prod* (argocd, production): all steps done (took 1m 15s)');
    expect(
      rollbackEventText({
        kind: 'rollback.failed',
        record: running,
        summary: 'The target is misconfigured: x',
      }),
    ).toMatch(/^:x: Rollback of \*api-prod\* .* failed\. The target is misconfigured: x$/);
    expect(rollbackEventText({ kind: 'rollback.expired', record: pending })).toContain('Nobody approved');
    expect(rollbackEventText({ kind: 'rollback.cancelled', record: pending, by: 'UALICE' })).toContain(
      '<@UALICE> cancelled their request',
    );
    expect(rollbackEventText({ kind: 'rollback.interrupted', record: running, cause: 'lost' })).toContain(
      'the mogo process running it stopped',
    );
  });
});
