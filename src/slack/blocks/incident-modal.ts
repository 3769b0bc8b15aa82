import type { KnownBlock, ModalView, PlainTextOption } from '@slack/web-api';
import { type AlertGroup, alertnameOf } from '../../domain/group';
import { SEVERITIES, type Severity } from '../../domain/incident';
import { CALLBACK_IDS } from './action-ids';
import { truncate } from './mrkdwn';

/** What the declare modal carries back: where it was opened from. Never identity (Slack signs the submitter). */
export interface DeclareMeta {
  channel: string;
  /** The alert message the button was on, if any. */
  ts?: string;
}

export const DECLARE_BLOCKS = {
  title: 'incident_title',
  severity: 'incident_severity',
  lead: 'incident_lead',
  groups: 'incident_groups',
} as const;

const plain = (text: string) => ({ type: 'plain_text' as const, text, emoji: true });
const MAX_OPTIONS = 100;

function groupOption(g: AlertGroup): PlainTextOption {
  const summary = g.commonAnnotations.summary ?? g.alerts[0]?.annotations.summary;
  const label = `${g.routing.priority} ${alertnameOf(g) ?? 'Alert'}${summary ? `: ${summary}` : ''}`;
  return { text: plain(truncate(label, 75)), value: g.id };
}

const severityOption = (s: Severity): PlainTextOption => ({ text: plain(s), value: s });

/** The declare modal: title, severity, lead, and the open alert groups to attach (the clicked one chosen). */
export function declareModal(input: {
  meta: DeclareMeta;
  title: string;
  severity: Severity;
  lead: string;
  openGroups: AlertGroup[];
  selected: string[];
}): ModalView {
  const options = input.openGroups.slice(0, MAX_OPTIONS).map(groupOption);
  const initial = options.filter((o) => input.selected.includes(o.value!));
  const blocks: KnownBlock[] = [
    {
      type: 'input',
      block_id: DECLARE_BLOCKS.title,
      label: plain('Title'),
      element: {
        type: 'plain_text_input',
        action_id: 'value',
        max_length: 150,
        ...(input.title ? { initial_value: truncate(input.title, 150) } : {}),
      },
    },
    {
      type: 'input',
      block_id: DECLARE_BLOCKS.severity,
      label: plain('Severity'),
      element: {
        type: 'static_select',
        action_id: 'value',
        options: SEVERITIES.map(severityOption),
        initial_option: severityOption(input.severity),
      },
    },
    {
      type: 'input',
      block_id: DECLARE_BLOCKS.lead,
      label: plain('Lead'),
      element: { type: 'users_select', action_id: 'value', initial_user: input.lead },
    },
  ];
  if (options.length > 0)
    blocks.push({
      type: 'input',
      block_id: DECLARE_BLOCKS.groups,
      optional: true,
      label: plain('Alerts to attach'),
      element: {
        type: 'multi_static_select',
        action_id: 'value',
        options,
        ...(initial.length > 0 ? { initial_options: initial } : {}),
      },
    });
  return {
    type: 'modal',
    callback_id: CALLBACK_IDS.incidentDeclare,
    title: plain('Declare incident'),
    submit: plain('Declare'),
    close: plain('Cancel'),
    private_metadata: JSON.stringify(input.meta),
    blocks,
  };
}

export function decodeDeclareMeta(raw: string | undefined): DeclareMeta | null {
  try {
    const m = JSON.parse(raw ?? '');
    if (typeof m?.channel !== 'string') return null;
    return { channel: m.channel, ...(typeof m.ts === 'string' ? { ts: m.ts } : {}) };
  } catch {
    return null;
  }
}

interface StateValue {
  value?: string | null;
  selected_option?: { value?: string } | null;
  selected_user?: string | null;
  selected_options?: { value?: string }[] | null;
}

/** The submitted values, as the declare use case takes them. */
export function declareValues(values: Record<string, Record<string, StateValue>>) {
  const v = (block: string) => values[block]?.value;
  const severity = v(DECLARE_BLOCKS.severity)?.selected_option?.value;
  return {
    title: v(DECLARE_BLOCKS.title)?.value ?? '',
    severity: SEVERITIES.find((s) => s === severity),
    lead: v(DECLARE_BLOCKS.lead)?.selected_user ?? undefined,
    groupIds: (v(DECLARE_BLOCKS.groups)?.selected_options ?? []).map((o) => o.value ?? '').filter(Boolean),
  };
}
