import { sampleAlert, sampleGroup } from '../../../test/fakes/alert-group';
import { ACTION_IDS } from './action-ids';
import { renderAlertGroup } from './alert-group';

const group = sampleGroup('{}:{alertname="HighLatency"}', {
  alerts: [sampleAlert('fp1'), sampleAlert('fp2')],
});
const until = new Date('2024-05-01T12:00:00.000Z');
const silence = (over = {}) => ({
  id: 'sil-1',
  scope: 'group' as const,
  fingerprint: null,
  createdBy: 'UALICE',
  endsAt: until,
  comment: 'disk swap',
  matchers: [{ name: 'alertname', value: 'HighLatency', isRegex: false, isEqual: true }],
  ...over,
});
const json = (o: unknown) => JSON.stringify(o);
const buttons = (blocks: Record<string, unknown>[]) =>
  (blocks.find((b) => b.type === 'actions')?.elements as {
    action_id: string;
    url?: string;
    value: string;
  }[]) ?? [];

describe('the alert message with real silences', () => {
  it('without ALERTMANAGER_URL the Silence button links to Alertmanager', () => {
    const b = buttons(renderAlertGroup(group).blocks).find((e) => e.action_id === ACTION_IDS.silence);
    expect(b?.url).toContain('http://alertmanager/#/silences/new');
  });

  it('with real silences: a Silence… button opening the dialog, no link, no Unsilence while none is active', () => {
    const { blocks } = renderAlertGroup(group, { silence: { active: [] } });
    const ids = buttons(blocks).map((e) => e.action_id);
    expect(ids).toContain(ACTION_IDS.silenceOpen);
    expect(ids).not.toContain(ACTION_IDS.unsilence);
    expect(json(blocks)).not.toContain('#/silences/new');
  });

  it('shows who silenced the whole group until when, marks its alerts silenced, offers Unsilence', () => {
    const { blocks } = renderAlertGroup(group, { silence: { active: [silence()] } });
    const text = json(blocks);
    expect(text).toContain(':no_bell: Silenced by <@UALICE> until <!date^1714564800^');
    expect(text).toContain('the whole group · “disk swap”');
    expect(text.match(/:no_bell: \*silenced\*/g)).toHaveLength(2);
    const unsilence = buttons(blocks).find((e) => e.action_id === ACTION_IDS.unsilence);
    expect(unsilence?.value).toBe(group.id);
  });

  it('a group silence marks only the alerts its matchers select (not one that joined later)', () => {
    const matchers = [{ name: 'fingerprint', value: 'fp1', isRegex: false, isEqual: true }];
    const { blocks } = renderAlertGroup(group, { silence: { active: [silence({ matchers })] } });
    expect(json(blocks).match(/:no_bell: \*silenced\*/g)).toHaveLength(1);
  });

  it('one silenced alert is named by its distinguishing labels and only it is marked', () => {
    const { blocks } = renderAlertGroup(group, {
      silence: { active: [silence({ scope: 'alert', fingerprint: 'fp2' })] },
    });
    const text = json(blocks);
    expect(text).toContain('one alert: `fingerprint=fp2`');
    expect(text.match(/:no_bell: \*silenced\*/g)).toHaveLength(1);
  });

  it('shows the short id the commands take', () => {
    expect(json(renderAlertGroup(group).blocks)).toContain(`id \`${group.id.slice(0, 6)}\``);
  });
});
