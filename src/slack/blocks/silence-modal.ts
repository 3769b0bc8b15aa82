import type { KnownBlock, ModalView, PlainTextOption } from '@slack/web-api';
import { type AlertGroup, alertnameOf } from '../../domain/group';
import { CALLBACK_IDS } from './action-ids';
import { distinguishingLabels, sharedOf } from './alert-lines';
import { escapeText, truncate } from './mrkdwn';

/** Block and action ids inside the dialog; the submission is read by them. */
export const SILENCE_FIELDS = {
  preset: { block: 'silence_preset', action: 'preset' },
  custom: { block: 'silence_custom', action: 'custom' },
  scope: { block: 'silence_scope', action: 'scope' },
  comment: { block: 'silence_comment', action: 'comment' },
} as const;

export const DURATION_PRESETS = ['30m', '1h', '2h', '4h', '8h', '1d', '3d', '7d'] as const;
const DEFAULT_PRESET = '2h';
const WHOLE_GROUP = 'group';
const MAX_ALERT_OPTIONS = 99;

const plain = (text: string) => ({ type: 'plain_text' as const, text, emoji: true });
const option = (text: string, value: string): PlainTextOption => ({ text: plain(truncate(text, 75)), value });

/** The Silence dialog for a group: duration (presets or typed), whole group or one firing alert, comment. Pure. */
export function silenceModal(group: AlertGroup): ModalView {
  const shared = sharedOf(group);
  const alerts = group.alerts.filter((a) => a.status === 'firing').slice(0, MAX_ALERT_OPTIONS);
  const scopeOptions = [
    option('The whole group', WHOLE_GROUP),
    ...alerts.map((a) => {
      const labels = distinguishingLabels(a, shared).map(([k, v]) => `${k}=${v}`);
      return option(`One alert: ${labels.join(' ') || a.fingerprint}`, a.fingerprint);
    }),
  ];
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: truncate(
          `*${escapeText(alertnameOf(group) ?? 'Alert')}*: Alertmanager sends nothing about the silenced alerts until the silence ends.`,
          3000,
        ),
      },
    },
    {
      type: 'input',
      block_id: SILENCE_FIELDS.preset.block,
      label: plain('For'),
      element: {
        type: 'static_select',
        action_id: SILENCE_FIELDS.preset.action,
        initial_option: option(DEFAULT_PRESET, DEFAULT_PRESET),
        options: DURATION_PRESETS.map((d) => option(d, d)),
      },
    },
    {
      type: 'input',
      block_id: SILENCE_FIELDS.custom.block,
      optional: true,
      label: plain('Or another duration'),
      hint: plain('e.g. 90m, 2h, 1d, 1h30m (at most 30d); used instead of the choice above'),
      element: { type: 'plain_text_input', action_id: SILENCE_FIELDS.custom.action, max_length: 20 },
    },
    {
      type: 'input',
      block_id: SILENCE_FIELDS.scope.block,
      label: plain('What'),
      element: {
        type: 'static_select',
        action_id: SILENCE_FIELDS.scope.action,
        initial_option: scopeOptions[0]!,
        options: scopeOptions,
      },
    },
    {
      type: 'input',
      block_id: SILENCE_FIELDS.comment.block,
      optional: true,
      label: plain('Comment'),
      element: {
        type: 'plain_text_input',
        action_id: SILENCE_FIELDS.comment.action,
        multiline: true,
        max_length: 500,
      },
    },
  ];
  return {
    type: 'modal',
    callback_id: CALLBACK_IDS.silence,
    title: plain('Silence'),
    submit: plain('Silence'),
    close: plain('Cancel'),
    private_metadata: JSON.stringify({ g: group.id }),
    blocks,
  };
}

export interface SilenceSubmission {
  groupId: string;
  duration: string;
  /** null: the whole group. */
  fingerprint: string | null;
  comment: string;
}

type StateValues = Record<
  string,
  Record<string, { value?: string | null; selected_option?: { value?: string } | null }>
>;

/** Reads the submitted dialog; null when it is not one mogo opened. */
export function readSilenceSubmission(
  privateMetadata: string | undefined,
  values: StateValues,
): SilenceSubmission | null {
  let groupId: unknown;
  try {
    groupId = JSON.parse(privateMetadata ?? '')?.g;
  } catch {
    return null;
  }
  if (typeof groupId !== 'string') return null;
  const get = (f: { block: string; action: string }) => values[f.block]?.[f.action];
  const custom = get(SILENCE_FIELDS.custom)?.value?.trim() ?? '';
  const preset = get(SILENCE_FIELDS.preset)?.selected_option?.value ?? DEFAULT_PRESET;
  const scope = get(SILENCE_FIELDS.scope)?.selected_option?.value ?? WHOLE_GROUP;
  return {
    groupId,
    duration: custom || preset,
    fingerprint: scope === WHOLE_GROUP ? null : scope,
    comment: get(SILENCE_FIELDS.comment)?.value?.trim() ?? '',
  };
}
