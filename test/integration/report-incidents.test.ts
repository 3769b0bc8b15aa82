/**
 * The report's incident figures from a seeded database, on PGlite and on real PostgreSQL: incidents are declared
 * and moved through their lifecycle by the IncidentStore at set times, then the ReportSource's rows and `mogo
 * report`'s output are checked against figures computed by hand.
 */
import { randomUUID } from 'node:crypto';
import { reportCommand } from '../../src/cli/report-command';
import type { IncidentStatus, Severity } from '../../src/domain/incident';
import { buildReportFor } from '../../src/incidents/report/run';
import type { Clock, IncidentStore } from '../../src/ports';
import type { Db } from '../../src/store/db';
import { createSqlAlertStore } from '../../src/store/sql-alert-store';
import { createSqlIncidentStore } from '../../src/store/sql-incident-store';
import { createSqlReportSource } from '../../src/store/sql-reports';
import { sampleGroup } from '../fakes/alert-group';
import { openPglite, requirePostgres, testPostgres } from '../helpers/services';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const SINCE = new Date('2026-03-02T00:00:00.000Z');
const UNTIL = new Date(SINCE.getTime() + 7 * DAY);
const at = (ms: number) => new Date(SINCE.getTime() + ms);
const HOSTILE = 'DB *down* | <!here> =cmd\nsecond line, "q"';

function reportIncidentsSuite(name: string, openDb: () => Promise<Db>): void {
  describe(`the report's incidents (${name})`, () => {
    let db: Db;
    let now = SINCE;
    const clock: Clock = { now: () => now };
    let incidents: IncidentStore;

    /** Declares at `declared` (ms from the period's start), then moves the status at each time given. */
    async function seed(
      title: string,
      severity: Severity,
      declared: number,
      moves: [number, IncidentStatus][] = [],
      groupIds: string[] = [],
    ): Promise<void> {
      now = at(declared);
      const id = randomUUID();
      await incidents.declare(
        {
          id,
          title,
          severity,
          mode: 'channel',
          private: false,
          lead: 'ULEAD',
          declaredBy: 'ULEAD',
          groupIds,
          thread: null,
          steps: [],
        },
        [],
      );
      for (const [when, status] of moves) {
        now = at(when);
        await incidents.update(id, () => ({ patch: { status } }));
      }
    }

    beforeAll(async () => {
      db = await openDb();
      incidents = createSqlIncidentStore(db, clock);
      const alerts = createSqlAlertStore(db);
      const groupKey = `{}:{alertname="Report-${randomUUID()}"}`;
      const group = sampleGroup(groupKey, { createdAt: at(DAY - 20 * MIN).toISOString() });
      await alerts.mutateGroup(groupKey, () => ({ next: group, audit: [] }));

      // declared before the period, resolved within it: carried over
      await seed('Carried', 'SEV1', -2 * 60 * MIN, [
        [-60 * MIN, 'monitoring'],
        [60 * MIN, 'resolved'],
      ]);
      // declared and resolved before the period: not fetched
      await seed('Old', 'SEV2', -3 * DAY, [[-2 * DAY, 'resolved']]);
      // first alert 20 minutes before the declaration: mitigated after 30, resolved after 60, then closed
      await seed(
        'Checkout errors',
        'SEV2',
        DAY,
        [
          [DAY + 10 * MIN, 'monitoring'],
          [DAY + 40 * MIN, 'resolved'],
          [DAY + 120 * MIN, 'closed'],
        ],
        [group.id],
      );
      // mitigated after 15 minutes, resolved, then reopened: open at the end, its mitigation kept
      await seed(HOSTILE, 'SEV1', 2 * DAY, [
        [2 * DAY + 15 * MIN, 'monitoring'],
        [2 * DAY + 90 * MIN, 'resolved'],
        [2 * DAY + 100 * MIN, 'investigating'],
      ]);
      await seed('Cache misses', 'SEV3', 3 * DAY, [[3 * DAY + 5 * MIN, 'resolved']]);
      // declared at the period's end: the next period's
      await seed('Next week', 'SEV4', 7 * DAY);
    }, 60_000);
    afterAll(() => db?.close());

    it('counts the incidents declared in the period, their response times, and those carried over', async () => {
      const source = createSqlReportSource(db, createSqlAlertStore(db));
      const rows = (await source.fetch(SINCE, UNTIL)).incidents;
      expect(rows.map((r) => r.title).sort()).toEqual([
        'Cache misses',
        'Carried',
        'Checkout errors',
        HOSTILE,
      ]);
      expect(rows.find((r) => r.title === 'Checkout errors')?.firstAlertAt).toEqual(at(DAY - 20 * MIN));

      const { incidents: f } = await buildReportFor(source, SINCE, UNTIL);
      expect(f.totals).toEqual({ declared: 3, open: 1, resolved: 1, closed: 1 });
      expect(f.bySeverity).toEqual([
        { severity: 'SEV1', declared: 1, open: 1, resolved: 0, closed: 0 },
        { severity: 'SEV2', declared: 1, open: 0, resolved: 0, closed: 1 },
        { severity: 'SEV3', declared: 1, open: 0, resolved: 1, closed: 0 },
        { severity: 'SEV4', declared: 0, open: 0, resolved: 0, closed: 0 },
      ]);
      // mitigated after 30, 15, 5 minutes; resolved after 60 and 5 (the reopened one has no resolution)
      expect(f.timeToMitigate).toEqual({ count: 3, medianMs: 15 * MIN, p90Ms: 30 * MIN });
      expect(f.timeToResolve).toEqual({ count: 2, medianMs: 5 * MIN, p90Ms: 60 * MIN });
      expect(f.carriedOver).toEqual({ count: 1, resolved: 1 });
      expect(f.list.map((i) => [i.title, i.severity, i.status, i.standing])).toEqual([
        [HOSTILE, 'SEV1', 'investigating', 'open'],
        ['Checkout errors', 'SEV2', 'closed', 'closed'],
        ['Cache misses', 'SEV3', 'resolved', 'resolved'],
      ]);
      expect(f.list[0]!.durationMs).toBe(5 * DAY);
      expect(f.notListed).toBe(0);
    });

    it('mogo report prints them: Markdown with the title escaped, CSV quoted and formula-safe', async () => {
      const out: string[] = [];
      const io = { out: (s: string) => void out.push(s), err: (s: string) => void out.push(s) };
      const args = ['--since', SINCE.toISOString(), '--until', UNTIL.toISOString()];
      expect(await reportCommand(db, [...args, '--format', 'md'], io, UNTIL)).toBe(0);
      const md = out.join('');
      expect(md).toContain(
        '3 incidents declared: 1 still open at the end of the period, 1 resolved, 1 closed.',
      );
      expect(md).toContain('1 declared earlier were still open at the start (1 resolved since).');
      expect(md).toContain('| Time to resolve | 2 | 5m | 1h |');
      expect(md).toMatch(
        /\| \d+ \| DB \\\*down\\\* \\\| \\<!here\\> =cmd second line, "q" \| SEV1 \| investigating \| 5d \(open\) \|/,
      );
      out.length = 0;
      expect(await reportCommand(db, [...args, '--format', 'csv'], io, UNTIL)).toBe(0);
      const csv = out.join('');
      expect(csv).toContain('incidents,all,declared,3\n');
      expect(csv).toContain('severity,SEV2,closed,1\n');
      expect(csv).toContain('incident_time_to,mitigate,median_seconds,900\n');
      expect(csv).toMatch(/incident,\d+,title,"DB \*down\* \| <!here> =cmd\nsecond line, ""q"""\n/);
    });
  });
}

reportIncidentsSuite('PGlite', () => openPglite());

const pg = testPostgres();
(requirePostgres() ? describe : describe.skip)('PostgreSQL', () => {
  afterAll(() => pg.drop());
  reportIncidentsSuite('PostgreSQL', () => pg.open({ max: 4 }));
});
