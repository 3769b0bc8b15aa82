import type { BlockAction } from '@slack/bolt';
import { groupOfClickedMessage } from './clicked-message';

const click = { channel: { id: 'C1' }, container: { message_ts: '1.000' } } as unknown as BlockAction;

describe('groupOfClickedMessage', () => {
  it('looks again when the message was posted but its ts is not recorded yet', async () => {
    let calls = 0;
    const alerts = { findGroupIdByMessage: async () => (++calls >= 3 ? 'g1' : null) };
    await expect(groupOfClickedMessage(alerts, click, [1, 1, 1])).resolves.toBe('g1');
    expect(calls).toBe(3);
  });

  it('is null once every look found nothing, and never looks for a click without a message', async () => {
    let calls = 0;
    const alerts = {
      findGroupIdByMessage: async () => {
        calls++;
        return null;
      },
    };
    await expect(groupOfClickedMessage(alerts, click, [1, 1])).resolves.toBeNull();
    expect(calls).toBe(3);
    await expect(groupOfClickedMessage(alerts, {} as BlockAction, [1])).resolves.toBeNull();
    expect(calls).toBe(3);
  });
});
