import { verifySlackRequest } from '@slack/bolt';
import { blockActionPayload, interactionBody, signSlackRequest, slashCommandBody } from './slack-sign';

const SECRET = 'test-signing-secret';

function verify(body: string, headers: ReturnType<typeof signSlackRequest>, secret = SECRET): void {
  verifySlackRequest({
    signingSecret: secret,
    body,
    headers: {
      'x-slack-signature': headers['x-slack-signature'],
      'x-slack-request-timestamp': Number(headers['x-slack-request-timestamp']),
    },
  });
}

describe('signSlackRequest', () => {
  it('produces a signature Bolt accepts', () => {
    const body = interactionBody(
      blockActionPayload({ user: 'UALICE', channel: 'C1', ts: '1.2', actionId: 'a', value: 'v' }),
    );

    expect(() => verify(body, signSlackRequest(SECRET, body))).not.toThrow();
  });

  it('produces a signature Bolt refuses for another secret, a changed body or an old timestamp', () => {
    const body = slashCommandBody({
      command: '/incident',
      text: 'status',
      user_id: 'UALICE',
      channel_id: 'C1',
    });
    const headers = signSlackRequest(SECRET, body);
    const stale = signSlackRequest(SECRET, body, Math.floor(Date.now() / 1000) - 600);

    expect(() => verify(body, headers, 'other-secret')).toThrow(/signature mismatch/);
    expect(() => verify(`${body}&x=1`, headers)).toThrow(/signature mismatch/);
    expect(() => verify(body, stale)).toThrow(/stale/);
  });

  it('matches the worked example in Slack’s documentation', () => {
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';

    const headers = signSlackRequest('8f742231b10e8888abcd99yyyzzz85a5', body, 1531420618);

    expect(headers['x-slack-signature']).toBe(
      'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    );
  });
});

describe('request builders', () => {
  it('encodes an interaction as a single payload form field', () => {
    const payload = blockActionPayload({
      user: 'UALICE',
      channel: 'C1',
      ts: '1700000000.000100',
      actionId: 'mogo_ack',
      value: 'g1',
    });

    const form = new URLSearchParams(interactionBody(payload));

    expect([...form.keys()]).toEqual(['payload']);
    expect(JSON.parse(form.get('payload')!)).toEqual(payload);
  });

  it('builds a block_actions payload pointing at the clicked message', () => {
    const payload = blockActionPayload({
      user: 'UALICE',
      channel: 'C1',
      ts: '1700000000.000100',
      actionId: 'mogo_ack',
      value: 'g1',
      responseUrl: 'http://127.0.0.1:1/respond/r1',
    });

    expect(payload).toMatchObject({
      type: 'block_actions',
      user: { id: 'UALICE', username: 'ualice', team_id: 'T0001' },
      container: { type: 'message', message_ts: '1700000000.000100', channel_id: 'C1', is_ephemeral: false },
      channel: { id: 'C1' },
      message: { ts: '1700000000.000100' },
      response_url: 'http://127.0.0.1:1/respond/r1',
      actions: [{ action_id: 'mogo_ack', value: 'g1', type: 'button' }],
    });
  });

  it('form-encodes a slash command as Slack does', () => {
    const body = slashCommandBody({
      command: '/incident',
      text: 'status now',
      user_id: 'UALICE',
      channel_id: 'C1',
    });

    expect(body).toContain('command=%2Fincident');
    expect(body).toContain('text=status+now');
    expect(new URLSearchParams(body).get('user_id')).toBe('UALICE');
  });
});
