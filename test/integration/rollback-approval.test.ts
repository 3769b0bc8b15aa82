import { type RollbackWorld, startRollbackWorld } from '../helpers/rollback-harness';
import { eventually, sleep } from '../helpers/services';

/**
 * The two-person rule on api-guarded: a request waits on the message; the requester cannot approve it; a
 * second person with `approve` (UBOB, through Slack user group SSRE) can, and that runs it; unanswered
 * requests expire; the requester or an approver can cancel.
 */
describe('rollback with approval (in-process, fake Slack, fake deployer)', () => {
  let w: RollbackWorld;

  beforeAll(async () => {
    w = await startRollbackWorld({ rollbackOptions: { approvalTtlMs: 1_500 } });
  });
  afterAll(() => w.close());
  beforeEach(async () => {
    await w.t.app.rollbacks.runner.idle();
    w.deployers.reset();
  });

  const audit = (action: string) => w.audit(action);
  /** UALICE asks for a rollback of api-guarded; resolves once the message shows it waiting. */
  const request = async () => {
    const fired = await w.fire('api-guarded');
    const view = await w.openDialog('UALICE', fired.groupId, fired.ref);
    expect(JSON.stringify(view.blocks)).toContain('needs a second person');
    await w.submit('UALICE', view);
    const blocks = await w.messageShows(fired.ref, 'waiting for approval');
    const requestId = (await w.t.rollbacks.latestForGroup(fired.groupId))!.id;
    return { ...fired, blocks, requestId };
  };

  it('requester cannot approve, a non-approver cannot either, another approver can and that runs it', async () => {
    const { groupId, ref, blocks, requestId } = await request();
    expect(blocks).toContain('"action_id":"mogo_rollback_approve"');
    expect(blocks).toContain('"action_id":"mogo_rollback_cancel"');
    expect(blocks).not.toContain('"action_id":"mogo_rollback"');
    await w.slack.waitFor(() => w.thread(ref).length > 0);
    expect(w.thread(ref)[0]).toContain(':hourglass_flowing_sand: <@UALICE> asks to roll back *api-guarded*');
    expect(w.deployers.rollbacks()).toEqual([]);

    await w.click('mogo_rollback_approve', 'UALICE', requestId, ref);
    expect(await w.ephemeral('UALICE', 'two-person rule')).toContain('you cannot approve it too');
    await w.click('mogo_rollback_approve', 'UEVE', requestId, ref);
    expect(await w.ephemeral('UEVE', 'Nothing was rolled back')).toContain(
      'approve rollbacks of api-guarded',
    );
    expect(w.deployers.rollbacks()).toEqual([]);
    expect((await audit('rollback.denied')).slice(0, 2).map((r) => [r.actor, r.details.reason])).toEqual([
      ['UEVE', 'not_a_member'],
      ['UALICE', 'self_approval'],
    ]);

    await w.click('mogo_rollback_approve', 'UBOB', requestId, ref);
    await w.messageShows(ref, 'approved by <@UBOB> at');
    // the message can show the approval before the runner has started the rollback: wait for the backend's
    // call, then for the run to end (the late approval below must find it succeeded)
    await eventually(async () => w.deployers.rollbacks().length > 0, 10_000);
    await w.t.app.rollbacks.runner.idle();
    expect(w.deployers.rollbacks().map((c) => [c.target, c.ctx.actor, c.ctx.requestId])).toEqual([
      ['api-guarded', 'UBOB', requestId],
    ]);
    expect(w.slack.callsTo('usergroups.users.list').map((c) => c.body.usergroup)).toContain('SSRE');
    expect((await audit('rollback.approved'))[0]).toMatchObject({
      actor: 'UBOB',
      subject: `group:${groupId}`,
      details: expect.objectContaining({
        requestId,
        target: 'api-guarded',
        backend: 'argocd',
        requestedBy: 'UALICE',
      }),
    });
    expect((await audit('rollback.started'))[0]).toMatchObject({ actor: 'UBOB' });

    await w.click('mogo_rollback_approve', 'UBOB', requestId, ref); // a late second approval
    expect(await w.ephemeral('UBOB', 'no longer waiting')).toContain('it is succeeded');
    expect(w.deployers.rollbacks()).toHaveLength(1);
  });

  it('a request nobody approves expires, says so, and frees the target', async () => {
    const { ref, requestId } = await request();

    await sleep(1_600);
    expect(await w.t.app.rollbacks.sweep()).toEqual({ expired: 1, interrupted: 0 });

    await w.messageShows(ref, 'without approval');
    await w.slack.waitFor(() => w.thread(ref).some((l) => l.startsWith(':hourglass:')));
    expect((await audit('rollback.expired'))[0]).toMatchObject({
      actor: 'mogo',
      details: expect.objectContaining({ requestId, target: 'api-guarded', requestedBy: 'UALICE' }),
    });
    await w.click('mogo_rollback_approve', 'UBOB', requestId, ref);
    expect(await w.ephemeral('UBOB', 'it is expired')).toContain('no longer waiting');
    expect(w.deployers.rollbacks()).toEqual([]);
    expect(await w.t.rollbacks.activeFor('api-guarded')).toBeNull();
  });

  it('an overdue request is treated as expired even before the sweep ran', async () => {
    const { ref, requestId } = await request();
    await sleep(1_600);

    const told = () => w.slack.callsTo('chat.postEphemeral').filter((c) => c.body.user === 'UBOB');
    const before = told().length;

    await w.click('mogo_rollback_approve', 'UBOB', requestId, ref);

    await w.slack.waitFor(() => told().length > before);
    // "Nobody approved … in time" (or, if the scheduled sweep got there first, "no longer waiting: expired")
    expect(String(told().at(-1)!.body.text)).toMatch(
      /Nobody approved .* expired\. Nothing was rolled back\.|it is expired/,
    );
    expect((await w.t.rollbacks.get(requestId))!.state).toBe('expired');
    expect(w.deployers.rollbacks()).toEqual([]);
  });

  it('the requester can withdraw a request; an approver can reject one', async () => {
    const first = await request();
    await w.click('mogo_rollback_cancel', 'UALICE', first.requestId, first.ref);
    await w.messageShows(first.ref, 'was cancelled at');

    const second = await request();
    await w.click('mogo_rollback_cancel', 'UEVE', second.requestId, second.ref);
    await w.ephemeral('UEVE', 'Nothing was rolled back');
    await w.click('mogo_rollback_cancel', 'UBOB', second.requestId, second.ref);
    await w.messageShows(second.ref, 'was rejected by <@UBOB>');

    // Denials by permission are batched, decisions on a request commit in its transaction: compare as a set.
    const denied = (await audit('rollback.denied')).slice(0, 3).map((r) => `${r.actor}:${r.details.reason}`);
    expect(denied.sort()).toEqual(['UALICE:cancelled', 'UBOB:rejected', 'UEVE:not_a_member']);
    expect(w.deployers.rollbacks()).toEqual([]);
  });
});
