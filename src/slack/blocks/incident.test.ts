import type { Incident } from '../../domain/incident';
import { INCIDENT_WORDS } from './incident';

const ZWJ = '\u200D';
const TITLE = 'Inj*<!channel>* <@U0BOSS> _x_';

const incident: Incident = {
  id: 'i1',
  number: 3,
  title: TITLE,
  severity: 'SEV1',
  status: 'investigating',
  mode: 'channel',
  channelId: 'C3',
  channelName: 'inc-3-inj',
  threadTs: null,
  roles: { lead: 'ULEAD' },
  declaredBy: 'UALICE',
  declaredAt: new Date('2026-11-24T10:00:00.000Z'),
  mitigatedAt: null,
  resolvedAt: null,
  closedAt: null,
  archivedAt: null,
  summaryTs: null,
  announcement: null,
  groupIds: [],
  version: 1,
};

/** Every mrkdwn text object in some Block Kit JSON. */
const mrkdwn = (node: unknown): string[] =>
  Array.isArray(node)
    ? node.flatMap(mrkdwn)
    : node && typeof node === 'object'
      ? (node as { type?: string }).type === 'mrkdwn'
        ? [String((node as { text: unknown }).text)]
        : Object.values(node).flatMap(mrkdwn)
      : [];

/** Issue 9, item 2 for incidents: a title is anyone's words (the dialog, a command, an alert's name). */
describe('incident words show the title as text', () => {
  const view = { incident, groups: [] };
  const escaped = `Inj${ZWJ}*${ZWJ}&lt;!channel&gt;${ZWJ}*${ZWJ} &lt;@U0BOSS&gt; ${ZWJ}_${ZWJ}x${ZWJ}_${ZWJ}`;

  it.each([
    ['summary', INCIDENT_WORDS.summary(view)],
    ['announcement', INCIDENT_WORDS.announcement(view)],
  ])('the %s never mentions, links or formats it, in the blocks nor the notification text', (_, message) => {
    const texts = [...mrkdwn(message.blocks), message.text];
    for (const t of texts)
      for (const raw of ['<!channel>', '<@U0BOSS>', '*<', '_x_']) expect(t).not.toContain(raw);
    expect(message.text).toContain(escaped);
  });

  it('the pinned summary’s plain-text header shows it as typed', () => {
    const header = INCIDENT_WORDS.summary(view).blocks?.[0] as { text: { type: string; text: string } };
    expect(header.text).toMatchObject({ type: 'plain_text', text: `:red_circle: Incident 3: ${TITLE}` });
  });

  it('the channel topic escapes it too', () => {
    const topic = INCIDENT_WORDS.topic(incident);
    expect(topic).toContain(escaped);
    expect(topic).toContain('lead <@ULEAD>');
  });
});
