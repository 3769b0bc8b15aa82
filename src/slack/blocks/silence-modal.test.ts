import { sampleAlert, sampleGroup } from '../../../test/fakes/alert-group';
import { CALLBACK_IDS } from './action-ids';
import { readSilenceSubmission, SILENCE_FIELDS, silenceModal } from './silence-modal';

const group = sampleGroup('{}:{alertname="HighLatency"}', {
  alerts: [sampleAlert('fp1'), sampleAlert('fp2'), sampleAlert('fp3', 'resolved')],
});
type Block = { block_id?: string; element?: { options?: { value: string; text: { text: string } }[] } };

describe('the Silence dialog', () => {
  it('offers presets, a typed duration, the whole group or one firing alert, and a comment', () => {
    const view = silenceModal(group);
    expect(view).toMatchObject({
      type: 'modal',
      callback_id: CALLBACK_IDS.silence,
      private_metadata: `{"g":"${group.id}"}`,
    });
    const blocks = view.blocks as Block[];
    const ids = blocks.map((b) => b.block_id).filter(Boolean);
    expect(ids).toEqual(Object.values(SILENCE_FIELDS).map((f) => f.block));
    const preset = blocks.find((b) => b.block_id === SILENCE_FIELDS.preset.block)!;
    expect(preset.element!.options!.map((o) => o.value)).toEqual([
      '30m',
      '1h',
      '2h',
      '4h',
      '8h',
      '1d',
      '3d',
      '7d',
    ]);
    const scope = blocks.find((b) => b.block_id === SILENCE_FIELDS.scope.block)!;
    expect(scope.element!.options!.map((o) => o.value)).toEqual(['group', 'fp1', 'fp2']); // resolved fp3 is not offered
    expect(scope.element!.options![1]!.text.text).toBe('One alert: fingerprint=fp1');
  });

  it('reads a submission: a typed duration wins over the preset; the whole group is no fingerprint', () => {
    const values = {
      silence_preset: { preset: { selected_option: { value: '2h' } } },
      silence_custom: { custom: { value: ' 90m ' } },
      silence_scope: { scope: { selected_option: { value: 'fp2' } } },
      silence_comment: { comment: { value: 'rack swap' } },
    };
    expect(readSilenceSubmission(`{"g":"${group.id}"}`, values)).toEqual({
      groupId: group.id,
      duration: '90m',
      fingerprint: 'fp2',
      comment: 'rack swap',
    });
    expect(
      readSilenceSubmission(`{"g":"x"}`, {
        silence_scope: { scope: { selected_option: { value: 'group' } } },
      }),
    ).toEqual({ groupId: 'x', duration: '2h', fingerprint: null, comment: '' });
    expect(readSilenceSubmission('not json', {})).toBeNull();
  });
});
