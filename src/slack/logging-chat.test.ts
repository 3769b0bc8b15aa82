import { createLogger } from '../logger';
import { createLoggingChat } from './chat';

describe('local mode preview (createLoggingChat)', () => {
  const blocks = Array.from({ length: 6 }, (_, i) => ({
    type: 'section',
    text: { type: 'mrkdwn', text: `x${i}`.repeat(200) },
  }));

  it('logs channel, text and the number of blocks at info, without the Block Kit JSON', async () => {
    const lines: Record<string, unknown>[] = [];
    const chat = createLoggingChat(
      createLogger('info', { write: (l: string) => void lines.push(JSON.parse(l)) }),
    );
    await chat.post('#alerts', { text: 'P1 HighLatency firing', blocks });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      msg: 'would post Slack message',
      channel: '#alerts',
      text: 'P1 HighLatency firing',
      blocks: 6,
    });
    expect(JSON.stringify(lines[0]).length).toBeLessThan(400);
  });

  it('adds the blocks at debug', async () => {
    const lines: Record<string, unknown>[] = [];
    const chat = createLoggingChat(
      createLogger('debug', { write: (l: string) => void lines.push(JSON.parse(l)) }),
    );
    await chat.post('#alerts', { text: 't', blocks });
    expect(lines.map((l) => l.blocks)).toEqual([6, blocks]);
  });
});
