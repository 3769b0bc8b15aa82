import type { AlertGroup } from '../../domain/group';
import { TargetSchema } from '../../rollback/config-schema';
import { CALLBACK_IDS } from './action-ids';
import {
  decodeDialogMeta,
  encodeDialogMeta,
  rollbackLoadingView,
  rollbackPlanFailedView,
  rollbackPlanView,
} from './rollback-modal';

const target = (approval: boolean) =>
  TargetSchema.parse({
    name: 'api-prod',
    backend: 'kubernetes',
    approval,
    settings: { namespace: 'shop', name: 'api' },
  });
const group = { commonLabels: { alertname: 'HighLatency' }, groupLabels: {} } as unknown as AlertGroup;
const meta = { groupId: 'g1', target: 'api-prod', requestId: 'req-1', plan: 'revision 42 -> 41' };
const input = (approval = false) => ({ meta, target: target(approval), group, approvalMinutes: 15 });
const texts = (view: { blocks: unknown[] }) => JSON.stringify(view.blocks);

describe('rollback dialog', () => {
  it('round-trips its metadata and rejects anything else', () => {
    expect(decodeDialogMeta(encodeDialogMeta(meta))).toEqual(meta);
    expect(decodeDialogMeta('{"g":1}')).toBeNull();
    expect(decodeDialogMeta('not json')).toBeNull();
    expect(decodeDialogMeta(undefined)).toBeNull();
    expect(encodeDialogMeta({ ...meta, plan: 'x'.repeat(5000) }).length).toBeLessThanOrEqual(3000);
  });

  it('opens at once without a submit button while the plan is worked out', () => {
    const view = rollbackLoadingView(input());

    expect(view).toMatchObject({
      type: 'modal',
      callback_id: CALLBACK_IDS.rollbackConfirm,
      close: { text: 'Close' },
    });
    expect(view.submit).toBeUndefined();
    expect(texts(view)).toContain('*Target*\\napi-prod');
    expect(texts(view)).toContain('*Backend*\\nkubernetes');
    expect(texts(view)).toContain('*Environment*\\nproduction');
  });

  it('names the plan and the revisions, and offers Roll back', () => {
    const view = rollbackPlanView(input(), {
      summary: 'Deployment shop/api: revision 42 -> 41',
      fromRevision: '42',
      toRevision: '41',
    });

    expect(view.submit).toEqual({ type: 'plain_text', text: 'Roll back', emoji: true });
    expect(texts(view)).toContain('*What happens:* Deployment shop/api: revision 42 -&gt; 41');
    expect(texts(view)).toContain('*Revision:* 42 → 41');
    expect(texts(view)).toContain('starts as soon as you press');
    expect(decodeDialogMeta(view.private_metadata)).toEqual(meta);
  });

  it('says when a second person must approve', () => {
    const view = rollbackPlanView(input(true), { summary: 'POST to the deploy hook' });

    expect(texts(view)).toContain('needs a second person');
    expect(texts(view)).toContain('15 minutes');
    expect(texts(view)).not.toContain('*Revision:*');
  });

  it('offers no confirmation when the plan could not be made', () => {
    const view = rollbackPlanFailedView(input(), 'Deployment shop/api is paused');

    expect(view.submit).toBeUndefined();
    expect(texts(view)).toContain(
      'could not find out what rolling back *api-prod* would do: Deployment shop/api is paused',
    );
  });
});
