import type { ReportJobs } from '../../src/ports';
import type { Db } from '../../src/store/db';
import { createSqlEscalationStore } from '../../src/store/sql-escalations';
import { createSqlReportJobs } from '../../src/store/sql-reports';
import { escalationStoreContract } from './escalation-store.contract';

const T0 = new Date('2026-05-01T09:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

/** The SQL EscalationStore runs the escalation-store contract; ReportJobs: leases, retries, dedup keys. */
export function oncallStoresContract(name: string, openDb: () => Promise<Db>): void {
  describe(`EscalationStore and ReportJobs contract (${name})`, () => {
    let db: Db;
    let jobs: ReportJobs;

    beforeAll(async () => {
      db = await openDb();
      jobs = createSqlReportJobs(db);
    });
    afterAll(() => db?.close());
    beforeEach(() => db.query('TRUNCATE escalation_steps, report_jobs'));

    escalationStoreContract(`SQL on ${name}`, async () => createSqlEscalationStore(db));

    it('concurrent takes hand a job to one worker; a failed job comes back after its delay, then for good', async () => {
      const req = { requestedBy: 'U1', deliverTo: 'U1', since: at(-86_400_000), until: T0 };
      const { id } = (await jobs.enqueue(req, T0))!;
      const taken = await Promise.all(Array.from({ length: 5 }, () => jobs.take(60_000, T0)));
      expect(taken.filter((j) => j !== null)).toEqual([{ id, ...req, attempts: 1 }]);
      await jobs.fail(id, 'slack down', 30_000, at(1000));
      expect(await jobs.take(60_000, at(30_999))).toBeNull();
      expect(await jobs.take(60_000, at(31_000))).toMatchObject({ id, attempts: 2 });
      await jobs.fail(id, 'still down', null, at(32_000));
      expect(await jobs.take(60_000, at(86_400_000))).toBeNull();
    });

    it('a dedup key queues a scheduled report once', async () => {
      const req = {
        requestedBy: 'mogo',
        deliverTo: 'C0123ABCD',
        since: T0,
        until: at(1),
        dedupKey: 'weekly:C0123ABCD:x',
      };
      expect(await jobs.enqueue(req, T0)).not.toBeNull();
      expect(await jobs.enqueue(req, T0)).toBeNull();
    });
  });
}
