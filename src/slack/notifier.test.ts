import { sampleGroup } from '../../test/fakes/alert-group';
import { createRecordingChat } from '../../test/fakes/chat';
import { sampleRollback } from '../../test/fakes/rollback-record';
import { createSlackDigestPublisher, createSlackNotifier } from './notifier';

describe('Slack notifier', () => {
  const posted = { channel: 'C1', ts: '100.1', renderedVersion: 3 };
  const alerts = { getMessage: async (id: string) => (id === 'g1' ? posted : null) };

  it('tells a rollback event as a reply in the thread of the group’s message', async () => {
    const chat = createRecordingChat();
    const record = sampleRollback('running', { groupId: 'g1' });

    await createSlackNotifier({ alerts, chat }).notify({ kind: 'rollback.progress', record, line: 'step 1' });

    expect(chat.calls).toEqual([{ op: 'reply', ref: { channel: 'C1', ts: '100.1' }, text: '> step 1' }]);
  });

  it('leaves an event about a group without a message untold', async () => {
    const chat = createRecordingChat();
    const record = sampleRollback('expired', { groupId: 'never-posted' });

    await createSlackNotifier({ alerts, chat }).notify({ kind: 'rollback.expired', record });

    expect(chat.calls).toEqual([]);
  });

  it('publishes a digest as one message in its channel', async () => {
    const chat = createRecordingChat();
    const group = sampleGroup('{}:{alertname="HighLatency"}');
    const since = new Date('2026-05-01T09:00:00Z');
    const until = new Date('2026-05-02T09:00:00Z');

    const ref = await createSlackDigestPublisher(chat).publish({
      channel: '#alerts',
      since,
      until,
      groups: [group],
      total: 1,
    });

    expect(ref).toEqual({ channel: 'C-alerts', ts: '1.0' });
    expect(chat.calls).toEqual([
      expect.objectContaining({
        op: 'post',
        channel: '#alerts',
        message: expect.objectContaining({ text: expect.any(String) }),
      }),
    ]);
    expect(JSON.stringify(chat.calls[0])).toContain('HighLatency');
  });
});
