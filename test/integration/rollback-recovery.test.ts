import type { Db } from '../../src/store/db';
import { createSqlAuditLog } from '../../src/store/sql-audit-log';
import { createSqlRollbackStore } from '../../src/store/sql-rollback-store';
import { type FakeSlack, startFakeSlack } from '../fakes/slack-server';
import { hangingRollback, startRollbackWorld } from '../helpers/rollback-harness';
import { openPglite, requirePgliteSupport, sleep } from '../helpers/services';

/**
 * A rollback whose process goes away never stalls silently: one interrupted by a crash is found by the next
 * process at start-up; one interrupted by a shutdown is reported by the process going down. Either way the
 * thread, the message and the audit log say the outcome is unknown, and a late answer cannot overwrite it.
 */
describe('rollback interrupted by a restart', () => {
  let slack: FakeSlack;
  let db: Db;

  beforeAll(async () => {
    requirePgliteSupport();
    slack = await startFakeSlack({ usergroups: { SSRE: ['UBOB'] } });
    db = await openPglite({ migrate: false }); // shared by the processes of each test, as a real database would be
  });
  afterAll(async () => {
    await slack.close();
    await db.close();
  });

  const interruptedAudit = async () => {
    const audit = createSqlAuditLog(db, { onError: () => {} });
    const rows = await audit.list({ action: 'rollback.failed' });
    await audit.close();
    return rows;
  };

  it('a running rollback left by a crashed process is reported interrupted by the next one at start-up', async () => {
    // the first process beats its heart rarely: after the "crash" its rollback goes stale in 300 ms
    const first = await startRollbackWorld({
      db,
      slack,
      rollbackOptions: { heartbeatMs: 60_000, staleMs: 300 },
    });
    const hang = hangingRollback();
    first.deployers.impl.rollback = hang.impl;
    const { groupId, ref } = await first.fire('api-prod');
    await first.submit('UALICE', await first.openDialog('UALICE', groupId, ref));
    await hang.started;
    const requestId = (await first.t.rollbacks.latestForGroup(groupId))!.id;
    await sleep(400);

    const second = await startRollbackWorld({ db, slack, rollbackOptions: { staleMs: 300 } });

    const record = await createSqlRollbackStore(db).get(requestId);
    expect(record).toMatchObject({ state: 'interrupted', summary: expect.stringContaining('Interrupted') });
    await slack.waitFor(() => first.thread(ref).some((l) => l.startsWith(':warning:')));
    expect(first.thread(ref).at(-1)).toBe(
      ':warning: The rollback of *api-prod* (kubernetes, production) was interrupted: the mogo process running it ' +
        'stopped (a crash or restart). mogo does not know how it ended — check kubernetes before trying again.',
    );
    await second.messageShows(ref, 'was interrupted at');
    await second.t.audit.flush();
    expect((await interruptedAudit())[0]).toMatchObject({
      actor: 'mogo',
      subject: `group:${groupId}`,
      details: expect.objectContaining({
        requestId,
        reason: 'interrupted',
        target: 'api-prod',
        backend: 'kubernetes',
      }),
    });

    hang.release('finished after all'); // the first process's late answer changes nothing
    await first.t.app.rollbacks.runner.idle();
    expect((await second.t.rollbacks.get(requestId))!.state).toBe('interrupted');
    expect(first.thread(ref).some((l) => l.startsWith(':white_check_mark:'))).toBe(false);

    await first.close();
    await second.close();
  });

  it('a rollback still running at shutdown gets a short grace, then is reported interrupted', async () => {
    const w = await startRollbackWorld({ db, slack, rollbackOptions: { shutdownGraceMs: 200 } });
    const hang = hangingRollback();
    w.deployers.impl.rollback = hang.impl;
    const { groupId, ref } = await w.fire('api-prod');
    await w.submit('UALICE', await w.openDialog('UALICE', groupId, ref));
    await hang.started;

    await w.close();

    expect((await createSqlRollbackStore(db).latestForGroup(groupId))!.state).toBe('interrupted');
    expect(w.thread(ref).at(-1)).toContain(
      'was interrupted: mogo was shut down while the backend was still working',
    );
    expect((await interruptedAudit())[0]!.details).toMatchObject({
      reason: 'interrupted',
      cause: 'shutdown',
    });
    hang.release();
  });
});
