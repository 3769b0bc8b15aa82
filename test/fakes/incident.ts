import type { Incident } from '../../src/domain/incident';
import type { PostmortemInput } from '../../src/domain/postmortem';

/** Minutes after 2026-12-04T10:00Z. */
export const t = (min: number) => new Date(Date.UTC(2026, 11, 4, 10, min));
/** A closed SEV2 incident, declared at t(5), mitigated t(20), resolved t(65), closed t(70). */
export const sampleIncident: Incident = {
  id: 'i1',
  number: 7,
  title: 'Checkout | slow',
  severity: 'SEV2',
  status: 'closed',
  mode: 'channel',
  channelId: 'C7',
  channelName: 'inc-7-checkout-slow',
  threadTs: null,
  roles: { scribe: 'USCRIBE', lead: 'ULEAD' },
  declaredBy: 'UALICE',
  declaredAt: t(5),
  mitigatedAt: t(20),
  resolvedAt: t(65),
  closedAt: t(70),
  archivedAt: null,
  summaryTs: '1.1',
  announcement: null,
  groupIds: [],
  version: 3,
};

/** The postmortem input of sampleIncident: an alert, the declaration, a rollback, a two-line message, a follow-up. */
export const samplePostmortemInput: PostmortemInput = {
  incident: sampleIncident,
  groups: [],
  timeline: [
    {
      kind: 'alert',
      at: t(0),
      author: 'alertmanager',
      text: 'Alert fired: 2 firing',
      sourceRef: 'audit:1',
    },
    { kind: 'declared', at: t(5), author: 'UALICE', text: 'SEV2 declared', sourceRef: null },
    {
      kind: 'rollback',
      at: t(15),
      author: 'ULEAD',
      text: 'Rollback of api succeeded',
      sourceRef: 'audit:9',
    },
    {
      kind: 'message',
      at: t(16),
      author: 'UBOB',
      text: 'error rate\nback to normal',
      sourceRef: 'message:C7:1.2',
    },
  ],
  followUps: [{ text: 'alert on queue depth', author: 'ULEAD', at: t(69) }],
  firstAlertAt: t(0),
  firstAckAt: t(3),
};
