import { type RollbackWorld, startRollbackWorld } from '../helpers/rollback-harness';
import { eventually, requirePostgres, type TestPostgres, testPostgres } from '../helpers/services';

/**
 * Issue 9, item 3 for the two-person rule: Approve and Cancel act only on a request of the group whose message
 * holds the button. A click on message B whose value names a request made from message A changes nothing.
 */
(requirePostgres() ? describe : describe.skip)(
  'rollback Approve/Cancel act only on their own message (real PostgreSQL)',
  () => {
    let pg: TestPostgres;
    let w: RollbackWorld;

    beforeAll(async () => {
      pg = testPostgres();
      w = await startRollbackWorld({ db: await pg.open() });
    });
    afterAll(async () => {
      await w.close();
      await pg.drop();
    });

    it('Approve and Cancel clicked on another group’s message leave the request pending; on its own they work', async () => {
      const a = await w.fire('api-guarded');
      await w.submit('UALICE', await w.openDialog('UALICE', a.groupId, a.ref));
      await w.messageShows(a.ref, 'waiting for approval');
      const requestId = (await w.t.rollbacks.latestForGroup(a.groupId))!.id;
      const b = await w.fire(null);

      for (const action of ['mogo_rollback_approve', 'mogo_rollback_cancel']) {
        const told = w.slack.callsTo('chat.postEphemeral').length;
        expect((await w.click(action, 'UBOB', requestId, b.ref)).status).toBe(200);
        await w.slack.waitFor(() => w.slack.callsTo('chat.postEphemeral').length > told);
        const said = w.slack.callsTo('chat.postEphemeral').slice(told);
        expect(said.map((c) => [c.body.user, c.body.text])).toEqual([
          ['UBOB', 'This button does not belong to this message; nothing was changed.'],
        ]);
        expect((await w.t.rollbacks.get(requestId))!.state).toBe('pending');
      }
      expect(await w.audit('rollback.approved')).toEqual([]);
      expect(w.deployers.rollbacks()).toEqual([]);

      await w.click('mogo_rollback_approve', 'UBOB', requestId, a.ref);
      await w.messageShows(a.ref, 'approved by <@UBOB>');
      // the message can show the approval before the runner has started the rollback: wait for the call
      await eventually(async () => w.deployers.rollbacks().length > 0, 10_000);
      expect(w.deployers.rollbacks().map((c) => c.ctx.requestId)).toEqual([requestId]);
    });
  },
);
