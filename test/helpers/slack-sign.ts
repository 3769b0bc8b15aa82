import { createHmac } from 'node:crypto';

/**
 * Builds requests the way Slack sends them to the bot, so tests drive the real Bolt receiver and its
 * signature check instead of calling handlers directly.
 */

/** A type alias, not an interface, so it is assignable to fetch's HeadersInit (Record<string, string>). */
export type SlackSignedHeaders = {
  'x-slack-signature': string;
  'x-slack-request-timestamp': string;
  'content-type': string;
};

/** Slack's v0 signature over `v0:<timestamp>:<body>`, with the headers Slack sends alongside it. */
export function signSlackRequest(
  signingSecret: string,
  body: string,
  timestamp: number = Math.floor(Date.now() / 1000),
): SlackSignedHeaders {
  const hmac = createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex');
  return {
    'x-slack-signature': `v0=${hmac}`,
    'x-slack-request-timestamp': String(timestamp),
    'content-type': 'application/x-www-form-urlencoded',
  };
}

/** Interactivity requests arrive as a form with one field, `payload`, holding the JSON. */
export function interactionBody(payload: object): string {
  return `payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

export const TEAM = { id: 'T0001', domain: 'mogo-test' } as const;
export const API_APP_ID = 'A0MOGO';
export const VERIFICATION_TOKEN = 'verification-token-unused';

export interface BlockActionInput {
  /** Slack user id of whoever clicked, e.g. "UALICE". */
  user: string;
  /** Defaults to the user id in lower case. */
  userName?: string;
  /** Channel id of the message holding the button. */
  channel: string;
  channelName?: string;
  /** ts of the message holding the button. */
  ts: string;
  actionId: string;
  value: string;
  blockId?: string;
  triggerId?: string;
  /** Where Bolt's respond() posts; point it at the fake Slack's responseUrl() to record replies. */
  responseUrl?: string;
  /** The message as Slack echoes it back (text, blocks); defaults to a bare bot message. */
  message?: Record<string, unknown>;
}

/** A block_actions payload shaped like the one Slack posts when a button on a bot message is clicked. */
export function blockActionPayload(input: BlockActionInput): Record<string, unknown> {
  const name = input.userName ?? input.user.toLowerCase();
  const actionTs = `${input.ts.split('.')[0]}.${String(Date.now() % 1_000_000).padStart(6, '0')}`;
  return {
    type: 'block_actions',
    user: { id: input.user, username: name, name, team_id: TEAM.id },
    api_app_id: API_APP_ID,
    token: VERIFICATION_TOKEN,
    container: { type: 'message', message_ts: input.ts, channel_id: input.channel, is_ephemeral: false },
    trigger_id: input.triggerId ?? '1234567890123.1234567890.abcdef0123456789abcdef0123456789',
    team: TEAM,
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: input.channel, name: input.channelName ?? 'alerts' },
    message: {
      type: 'message',
      subtype: 'bot_message',
      user: 'UBOT',
      bot_id: 'BBOT',
      app_id: API_APP_ID,
      team: TEAM.id,
      text: '',
      blocks: [],
      ...input.message,
      ts: input.ts,
    },
    state: { values: {} },
    response_url: input.responseUrl ?? 'https://hooks.slack.com/actions/T0001/1234567890/abcdefABCDEF',
    actions: [
      {
        action_id: input.actionId,
        block_id: input.blockId ?? 'mogo_actions',
        value: input.value,
        type: 'button',
        action_ts: actionTs,
      },
    ],
  };
}

export interface SlashCommandInput {
  command: string;
  text: string;
  user_id: string;
  channel_id: string;
  response_url?: string;
  trigger_id?: string;
  user_name?: string;
  channel_name?: string;
}

/** A slash command as Slack posts it: a url-encoded form (spaces as "+"). */
export function slashCommandBody(input: SlashCommandInput): string {
  return new URLSearchParams({
    token: VERIFICATION_TOKEN,
    team_id: TEAM.id,
    team_domain: TEAM.domain,
    channel_id: input.channel_id,
    channel_name: input.channel_name ?? 'alerts',
    user_id: input.user_id,
    user_name: input.user_name ?? input.user_id.toLowerCase(),
    command: input.command,
    text: input.text,
    api_app_id: API_APP_ID,
    is_enterprise_install: 'false',
    response_url: input.response_url ?? 'https://hooks.slack.com/commands/T0001/1234567890/abcdefABCDEF',
    trigger_id: input.trigger_id ?? '1234567890123.1234567890.abcdef0123456789abcdef0123456789',
  }).toString();
}

export interface ViewSubmissionInput {
  /** Slack user id of whoever pressed the modal's submit button. */
  user: string;
  userName?: string;
  /** The view as mogo opened or last updated it (callback_id, private_metadata, blocks…). */
  view: Record<string, unknown>;
  /** The id Slack gave the view; defaults to the view's own `id` or "V0001". */
  viewId?: string;
  triggerId?: string;
}

/** A view_submission payload shaped like the one Slack posts when a modal's submit button is pressed. */
export function viewSubmissionPayload(input: ViewSubmissionInput): Record<string, unknown> {
  const name = input.userName ?? input.user.toLowerCase();
  const id = input.viewId ?? (typeof input.view.id === 'string' ? input.view.id : 'V0001');
  return {
    type: 'view_submission',
    team: TEAM,
    user: { id: input.user, username: name, name, team_id: TEAM.id },
    api_app_id: API_APP_ID,
    token: VERIFICATION_TOKEN,
    trigger_id: input.triggerId ?? '1234567890123.1234567890.0123456789abcdef0123456789abcdef',
    view: {
      type: 'modal',
      team_id: TEAM.id,
      blocks: [],
      private_metadata: '',
      callback_id: '',
      state: { values: {} },
      hash: '1700000000.abcdef',
      title: { type: 'plain_text', text: 'Roll back?' },
      close: null,
      submit: null,
      root_view_id: id,
      previous_view_id: null,
      app_id: API_APP_ID,
      external_id: '',
      app_installed_team_id: TEAM.id,
      bot_id: 'BBOT',
      ...input.view,
      id,
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
}

/** An Events API callback as Slack posts it (JSON): `event` is the inner event (reaction_added, pin_added…). */
export function eventBody(
  event: Record<string, unknown>,
  eventId = `Ev${Date.now()}${Math.floor(Math.random() * 1e6)}`,
): string {
  return JSON.stringify({
    token: VERIFICATION_TOKEN,
    team_id: TEAM.id,
    api_app_id: API_APP_ID,
    event: { event_ts: `${Date.now() / 1000}`, ...event },
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: TEAM.id, user_id: 'UBOT', is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
  });
}

/** Headers for a signed JSON body (the Events API), as Slack sends them. */
export function signSlackJson(signingSecret: string, body: string): SlackSignedHeaders {
  return { ...signSlackRequest(signingSecret, body), 'content-type': 'application/json' };
}
