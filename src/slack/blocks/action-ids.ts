/**
 * Every action_id mogo puts on a button, in one place: the renderers and the action handlers must agree on
 * them, and a renamed id would silently strand the buttons on messages already posted. Each button's
 * `value` is the group id (AlertGroup.id), short enough for Slack's 2000-character limit.
 */
export const ACTION_IDS = {
  ack: 'mogo_ack',
  unack: 'mogo_unack',
  rollback: 'mogo_rollback',
  /** Approve / Cancel a pending rollback request; their `value` is the request id, not the group id. */
  rollbackApprove: 'mogo_rollback_approve',
  rollbackCancel: 'mogo_rollback_cancel',
  /** Without ALERTMANAGER_URL: a link to Alertmanager's silence page. */
  silence: 'mogo_silence_link',
  /** With ALERTMANAGER_URL: opens mogo's silence dialog / expires the group's silences made by mogo. */
  silenceOpen: 'mogo_silence',
  unsilence: 'mogo_unsilence',
  /** The storm roll-up's "Acknowledge…" menu; the selected option's `value` is the group id. */
  rollupAck: 'mogo_rollup_ack',
  /** Declare incident (opens the declare modal); on a group's message its `value` is the group id. */
  declareIncident: 'mogo_incident_declare',
} as const;

/** callback_id of each modal mogo opens; the view_submission handlers match on it. */
export const CALLBACK_IDS = {
  rollbackConfirm: 'mogo_rollback_confirm',
  silence: 'mogo_silence_submit',
  incidentDeclare: 'mogo_incident_declare_modal',
} as const;

export type ActionId = (typeof ACTION_IDS)[keyof typeof ACTION_IDS];
