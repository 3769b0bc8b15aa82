import { loadConfig } from './config';

describe('INCIDENT_* settings', () => {
  it('defaults: channels named inc-{n}-{slug}, P1/P2 declare, comms and scribe, reminders for SEV1-3', () => {
    const c = loadConfig({}).incidents;
    expect(c).toMatchObject({
      mode: 'channel',
      channelPattern: 'inc-{n}-{slug}',
      privateSeverities: [],
      broadcastChannel: null,
      archiveAfterMs: 7 * 24 * 3_600_000,
      roles: ['comms', 'scribe'],
      timelineReaction: 'pushpin',
      declarePriorities: ['P1', 'P2'],
      reminders: { SEV1: 30 * 60_000, SEV2: 60 * 60_000, SEV3: 240 * 60_000 },
    });
  });

  it('reads lists as people write them', () => {
    const c = loadConfig({
      INCIDENT_MODE: 'thread',
      INCIDENT_PRIVATE_SEVERITIES: 'sev1, SEV2',
      INCIDENT_ROLES: 'Comms, ops_liaison',
      INCIDENT_TIMELINE_REACTION: ':memo:',
      INCIDENT_ARCHIVE_AFTER_HOURS: '0',
      INCIDENT_REMINDER_MINUTES: 'SEV1=10,SEV4=0',
      INCIDENT_DECLARE_PRIORITIES: 'P1',
    }).incidents;
    expect(c).toMatchObject({
      mode: 'thread',
      privateSeverities: ['SEV1', 'SEV2'],
      roles: ['comms', 'ops_liaison'],
      timelineReaction: 'memo',
      archiveAfterMs: null,
      reminders: { SEV1: 10 * 60_000 },
      declarePriorities: ['P1'],
    });
  });

  it('names every bad incident variable at once', () => {
    expect(() =>
      loadConfig({
        INCIDENT_CHANNEL_PATTERN: 'incident-{slug}',
        INCIDENT_ROLES: 'lead',
        INCIDENT_REMINDER_MINUTES: 'SEV1:30',
        INCIDENT_PRIVATE_SEVERITIES: 'SEV9',
      }),
    ).toThrow(
      /INCIDENT_CHANNEL_PATTERN[\s\S]*INCIDENT_PRIVATE_SEVERITIES[\s\S]*INCIDENT_ROLES[\s\S]*INCIDENT_REMINDER_MINUTES/,
    );
  });
});
