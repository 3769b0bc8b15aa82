import {
  CHANNEL_NAME_MAX,
  canMove,
  channelNameFor,
  channelNameWithSuffix,
  DEFAULT_CHANNEL_PATTERN,
  DEFAULT_REMINDERS,
  durationsOf,
  INCIDENT_STATUSES,
  isActive,
  nextReminderAt,
  parseRole,
  parseSeverity,
  severityForPriority,
  slugify,
} from './incident';

const at = new Date('2026-12-04T10:00:00Z');
const inc = (title: string, number = 42) => ({ number, title, severity: 'SEV2' as const });

describe('incident lifecycle', () => {
  it('moves forward, may go back while open, reopens from resolved, never leaves closed', () => {
    expect(canMove('investigating', 'identified')).toBe(true);
    expect(canMove('monitoring', 'investigating')).toBe(true);
    expect(canMove('resolved', 'investigating')).toBe(true);
    expect(canMove('investigating', 'closed')).toBe(false);
    expect(canMove('resolved', 'closed')).toBe(true);
    for (const s of INCIDENT_STATUSES) expect(canMove('closed', s)).toBe(false);
    expect(canMove('identified', 'identified')).toBe(false);
  });

  it('is active until resolved', () => {
    expect(isActive('monitoring')).toBe(true);
    expect(isActive('resolved')).toBe(false);
    expect(isActive('closed')).toBe(false);
  });

  it('reads severities and roles as people type them', () => {
    expect(parseSeverity('sev1')).toBe('SEV1');
    expect(parseSeverity('3')).toBe('SEV3');
    expect(parseSeverity('SEV5')).toBeUndefined();
    expect(severityForPriority('P2')).toBe('SEV2');
    expect(parseRole('Lead', [])).toBe('lead');
    expect(parseRole('@Comms', ['comms', 'scribe'])).toBe('comms');
    expect(parseRole('boss', ['comms'])).toBeUndefined();
  });
});

describe('channel names', () => {
  it('follows the default pattern with a slug of the title', () => {
    expect(channelNameFor(DEFAULT_CHANNEL_PATTERN, inc('DB down: ça brûle!'), at)).toBe(
      'inc-42-db-down-ca-brule',
    );
  });

  it('keeps to Slack rules: lowercase, allowed characters, at most 80 characters', () => {
    const name = channelNameFor(DEFAULT_CHANNEL_PATTERN, inc(`Checkout ${'very '.repeat(40)}slow`), at);
    expect(name.length).toBeLessThanOrEqual(CHANNEL_NAME_MAX);
    expect(name).toMatch(/^inc-42-checkout-very(-very)+$/);
    expect(channelNameFor('Incident_{date}_{sev}_{n}/{slug}', inc('API'), at)).toBe(
      'incident_20261204_sev2_42-api',
    );
  });

  it('falls back to the number when the title has nothing usable', () => {
    expect(channelNameFor(DEFAULT_CHANNEL_PATTERN, inc('🔥🔥'), at)).toBe('inc-42');
    expect(slugify('--A  b__')).toBe('a-b');
  });

  it('a clash gets a suffix, still within 80 characters', () => {
    expect(channelNameWithSuffix('inc-42-db-down', 2)).toBe('inc-42-db-down-2');
    const long = 'x'.repeat(80);
    expect(channelNameWithSuffix(long, 12)).toBe(`${'x'.repeat(77)}-12`);
  });
});

describe('durations and reminders', () => {
  it('counts from the first alert when it fired before the declaration', () => {
    const d = durationsOf(
      {
        declaredAt: at,
        mitigatedAt: new Date(at.getTime() + 10 * 60_000),
        resolvedAt: new Date(at.getTime() + 30 * 60_000),
      },
      new Date(at.getTime() - 5 * 60_000),
      new Date(at.getTime() - 60_000),
    );
    expect(d).toEqual({
      startedAt: new Date(at.getTime() - 5 * 60_000),
      toAcknowledgeMs: 4 * 60_000,
      toMitigateMs: 15 * 60_000,
      toResolveMs: 35 * 60_000,
    });
  });

  it('resolving without monitoring counts as mitigated at resolution', () => {
    const d = durationsOf(
      { declaredAt: at, mitigatedAt: null, resolvedAt: new Date(at.getTime() + 60_000) },
      null,
      null,
    );
    expect(d.toMitigateMs).toBe(60_000);
    expect(d.toAcknowledgeMs).toBeNull();
  });

  it('reminds by severity while active', () => {
    expect(nextReminderAt({ severity: 'SEV1', status: 'investigating' }, at, DEFAULT_REMINDERS)).toEqual(
      new Date(at.getTime() + 30 * 60_000),
    );
    expect(nextReminderAt({ severity: 'SEV4', status: 'investigating' }, at, DEFAULT_REMINDERS)).toBeNull();
    expect(nextReminderAt({ severity: 'SEV1', status: 'resolved' }, at, DEFAULT_REMINDERS)).toBeNull();
  });
});
