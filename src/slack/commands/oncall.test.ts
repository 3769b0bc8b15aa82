import { createLogger } from '../../logger';
import type { RuleSet } from '../../rules';
import { compileRules } from '../../rules';
import { oncallCommand } from './oncall';
import { type CommandContext, type CommandDeps, parseCommandText } from './registry';
import { reportCommand } from './report';

function rules(content: string): RuleSet {
  const r = compileRules([{ path: 'r.yml', content }]);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.ruleSet;
}

const ROTATIONS = `version: 1
rotations:
  - {team: payments, members: [UALICE, UBOB], rotation: daily, handoff: "09:00", time_zone: Europe/Berlin, start: "2026-03-27"}
  - {team: db, members: [UDBA], rotation: weekly, time_zone: UTC, start: "2026-01-05"}
`;

function run(cmd: typeof oncallCommand, text: string, ruleSet: RuleSet, extra: Partial<CommandDeps> = {}) {
  const deps = {
    clock: { now: () => new Date('2026-03-28T12:00:00Z') },
    logger: createLogger('silent'),
    rules: { current: () => ruleSet },
    ...extra,
  } as unknown as CommandDeps;
  const ctx = {
    ...parseCommandText(text),
    user: { id: 'UASKER', name: 'asker' },
    channel: { id: 'C1', name: 'ops' },
    triggerId: 't',
    deps,
    subcommands: [],
  } as CommandContext;
  return cmd.handle(ctx);
}

describe('/incident oncall', () => {
  it('tells who is on call now and next, with hand-off times', async () => {
    const a = await run(oncallCommand, 'oncall payments', rules(ROTATIONS));
    expect(a.outcome).toBe('ok');
    expect(a.message.text).toContain('*payments* (daily, hand-off 09:00 Europe/Berlin)');
    // Saturday 28 March is UBOB's day; the hand-off on Sunday 29 March is at 07:00 UTC (summer time)
    expect(a.message.text).toContain('On call now: <@UBOB> until <!date^1774767600^');
    expect(a.message.text).toContain('Next: <@UALICE> from <!date^1774767600^');
  });

  it('lists every team without an argument; an unknown team gets "did you mean"', async () => {
    const all = await run(oncallCommand, 'oncall', rules(ROTATIONS));
    expect(all.message.text).toMatch(/\*payments\*[\s\S]*\*db\*/);
    const typo = await run(oncallCommand, 'oncall paymnts', rules(ROTATIONS));
    expect(typo).toMatchObject({ outcome: 'not_found' });
    expect(typo.message.text).toContain('Did you mean `payments`?');
    const none = await run(oncallCommand, 'oncall', rules('version: 1\n'));
    expect(none.message.text).toContain('No on-call rotations are set up');
  });
});

describe('/incident report', () => {
  it('queues a report for the caller and answers at once; a bad period is explained', async () => {
    const requests: unknown[] = [];
    const reports = { request: async (r: unknown) => void requests.push(r) };
    const ok = await run(reportCommand, 'report 24h', rules('version: 1\n'), { reports });
    expect(ok.outcome).toBe('queued');
    expect(ok.message.text).toMatch(/^Preparing your report for /);
    expect(requests).toEqual([
      {
        requestedBy: 'UASKER',
        deliverTo: 'UASKER',
        since: new Date('2026-03-27T12:00:00Z'),
        until: new Date('2026-03-28T12:00:00Z'),
      },
    ]);
    const bad = await run(reportCommand, 'report lastweek', rules('version: 1\n'), { reports });
    expect(bad).toMatchObject({ outcome: 'usage' });
    expect(requests).toHaveLength(1);
  });
});
