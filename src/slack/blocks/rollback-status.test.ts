import { sampleRollback } from '../../../test/fakes/rollback-record';
import type { RollbackState } from '../../domain/rollback';
import type { RollbackRecord } from '../../ports';
import { ACTION_IDS } from './action-ids';
import { rollbackButtons, rollbackStatusLine } from './rollback-status';

const T0 = new Date('2026-11-23T23:20:00Z');
const T1 = new Date('2026-11-23T23:35:00Z');
const date = (d: Date) =>
  `<!date^${d.getTime() / 1000}^{date_short_pretty} {time}|${d.toISOString().slice(0, 16).replace('T', ' ')} UTC>`;

const record = sampleRollback;

describe('rollbackStatusLine', () => {
  it.each<[RollbackState, Partial<RollbackRecord>, string]>([
    [
      'pending',
      { expiresAt: T1, plan: 'history 7 -> 6' },
      `:hourglass_flowing_sand: Rollback of *api-prod* (history 7 -&gt; 6) requested by <@UALICE> at ${date(T0)}: waiting for approval by someone else, expires ${date(T1)}`,
    ],
    [
      'approved',
      { approvedBy: 'UBOB' },
      ':rewind: Rollback of *api-prod* by <@UALICE>, approved by <@UBOB>: starting',
    ],
    [
      'running',
      { startedAt: T0 },
      `:arrows_counterclockwise: Rolling back *api-prod* for <@UALICE> since ${date(T0)}: progress in the thread`,
    ],
    [
      'succeeded',
      { approvedBy: 'UBOB', finishedAt: T1, summary: 'synced to <id 6>' },
      `:white_check_mark: Rolled back *api-prod* for <@UALICE>, approved by <@UBOB> at ${date(T1)}: synced to &lt;id 6&gt;`,
    ],
    [
      'failed',
      { finishedAt: T1, summary: 'The backend refused: auto-sync is enabled' },
      `:x: Rollback of *api-prod* for <@UALICE> failed at ${date(T1)}: The backend refused: auto-sync is enabled`,
    ],
    [
      'interrupted',
      { finishedAt: T1 },
      `:warning: Rollback of *api-prod* for <@UALICE> was interrupted at ${date(T1)}: outcome unknown, check argocd`,
    ],
    [
      'expired',
      { finishedAt: T1 },
      `:hourglass: Rollback of *api-prod* requested by <@UALICE> expired at ${date(T1)} without approval`,
    ],
    [
      'denied',
      { finishedAt: T1, cancelledBy: 'UALICE' },
      `:no_entry_sign: Rollback of *api-prod* requested by <@UALICE> was cancelled at ${date(T1)}`,
    ],
    [
      'denied',
      { finishedAt: T1, cancelledBy: 'UBOB' },
      `:no_entry_sign: Rollback of *api-prod* requested by <@UALICE> was rejected by <@UBOB> at ${date(T1)}`,
    ],
  ])('%s', (state, over, expected) => {
    expect(rollbackStatusLine(record(state, over))).toBe(expected);
  });
});

describe('rollbackButtons', () => {
  const ids = (buttons: ReturnType<typeof rollbackButtons>) => buttons.map((b) => b.action_id);

  it('offers Rollback only while firing with a declared target and nothing under way', () => {
    expect(ids(rollbackButtons({ available: true, latest: null }, 'g1', true))).toEqual([
      ACTION_IDS.rollback,
    ]);
    expect(rollbackButtons({ available: true, latest: null }, 'g1', false)).toEqual([]);
    expect(rollbackButtons({ available: false, latest: null }, 'g1', true)).toEqual([]);
    expect(rollbackButtons(undefined, 'g1', true)).toEqual([]);
    for (const state of ['approved', 'running'] as const)
      expect(rollbackButtons({ available: true, latest: record(state) }, 'g1', true)).toEqual([]);
    for (const state of ['succeeded', 'failed', 'interrupted', 'expired', 'denied'] as const)
      expect(ids(rollbackButtons({ available: true, latest: record(state) }, 'g1', true))).toEqual([
        ACTION_IDS.rollback,
      ]);
  });

  it('turns a pending request into Approve (with a confirm) and Cancel, carrying the request id, even resolved', () => {
    const buttons = rollbackButtons({ available: true, latest: record('pending') }, 'g1', false);

    expect(buttons).toEqual([
      {
        type: 'button',
        action_id: ACTION_IDS.rollbackApprove,
        text: { type: 'plain_text', text: 'Approve rollback' },
        value: 'req-1',
        style: 'danger',
        confirm: {
          title: { type: 'plain_text', text: 'Approve the rollback?' },
          text: {
            type: 'plain_text',
            text: 'Start the rollback of api-prod requested by its requester? It runs at once.',
          },
          confirm: { type: 'plain_text', text: 'Approve and run' },
          deny: { type: 'plain_text', text: 'Not yet' },
          style: 'danger',
        },
      },
      {
        type: 'button',
        action_id: ACTION_IDS.rollbackCancel,
        text: { type: 'plain_text', text: 'Cancel rollback' },
        value: 'req-1',
      },
    ]);
  });
});
