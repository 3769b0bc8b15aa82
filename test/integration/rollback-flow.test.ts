import { AppError } from '../../src/errors';
import { hangingRollback, type RollbackWorld, startRollbackWorld } from '../helpers/rollback-harness';

/** The rollback flow without approval: click -> dialog with the plan -> confirm -> run -> thread and message. */
describe('rollback flow (in-process, fake Slack, fake deployer)', () => {
  let w: RollbackWorld;

  beforeAll(async () => {
    w = await startRollbackWorld({ rollbackOptions: { timeoutMs: 2_000 } });
  });
  afterAll(() => w.close());
  beforeEach(async () => {
    await w.t.app.rollbacks.runner.idle();
    w.deployers.reset();
  });

  const audit = (action: string) => w.audit(action);

  it('offers Rollback only on groups whose target is declared', async () => {
    const declared = await w.fire('api-prod');
    const undeclared = await w.fire('no-such-target');
    const none = await w.fire(null);

    const blocksOf = (ts: string) => JSON.stringify(w.slack.message(declared.ref.channel, ts)?.blocks);
    expect(blocksOf(declared.ref.ts)).toContain('"action_id":"mogo_rollback"');
    expect(blocksOf(undeclared.ref.ts)).not.toContain('mogo_rollback');
    expect(blocksOf(none.ref.ts)).not.toContain('mogo_rollback');
  });

  it('an unauthorised user is told why, audited, and no backend is asked anything', async () => {
    const { groupId, ref } = await w.fire('api-prod');
    const opened = w.slack.callsTo('views.open').length;

    expect((await w.click('mogo_rollback', 'UEVE', groupId, ref)).status).toBe(200);

    expect(await w.ephemeral('UEVE', 'Nothing was rolled back')).toContain(
      'You need a role that may roll back api-prod (production) (oncall).',
    );
    expect(w.slack.callsTo('views.open')).toHaveLength(opened);
    expect(w.deployers.calls).toEqual([]);
    expect((await audit('rollback.denied'))[0]).toMatchObject({
      actor: 'UEVE',
      subject: `group:${groupId}`,
      details: { target: 'api-prod', backend: 'kubernetes', permission: 'rollback', reason: 'not_a_member' },
    });
  });

  it('click -> dialog names target, backend and revision -> confirm -> rollback runs, reported in thread and message', async () => {
    const { groupId, ref } = await w.fire('api-prod');

    const view = await w.openDialog('UALICE', groupId, ref);
    const opened = w.slack.callsTo('views.open').at(-1)!;
    expect(opened.body.trigger_id).toMatch(/^trig-/);
    expect((opened.body.view as { submit?: unknown }).submit).toBeUndefined(); // "asking the backend…"
    expect(view.submit).toMatchObject({ text: 'Roll back' });
    const text = JSON.stringify(view.blocks);
    expect(text).toContain('*Target*\\napi-prod');
    expect(text).toContain('*Backend*\\nkubernetes');
    expect(text).toContain('*Revision:* 42 → 41');
    expect(w.deployers.calls.map((c) => [c.op, c.ctx.actor])).toEqual([['plan', 'UALICE']]);

    expect((await w.submit('UALICE', view)).status).toBe(200);
    await w.messageShows(ref, 'Rolled back *api-prod*');
    await w.t.app.rollbacks.runner.idle();

    const [rollback] = w.deployers.rollbacks();
    expect(w.deployers.rollbacks()).toHaveLength(1);
    const requestId = w.deployers.calls[0]!.ctx.requestId;
    expect(rollback!.ctx).toMatchObject({
      actor: 'UALICE',
      requestId,
      alert: { groupId, alertname: 'HighLatency' },
    });
    await w.slack.waitFor(() => w.thread(ref).some((l) => l.startsWith(':white_check_mark:')));
    expect(w.thread(ref)).toEqual([
      ':rewind: Rolling back *api-prod* (kubernetes, production) for <@UALICE>: Deployment shop/api: revision 42 -&gt; 41…',
      '> patching Deployment shop/api',
      '> 3/3 replicas updated',
      expect.stringMatching(
        /^:white_check_mark: Rolled back \*api-prod\* \(kubernetes, production\): Deployment shop\/api is at revision 41 \(took \d+s\)$/,
      ),
    ]);
    for (const action of ['rollback.requested', 'rollback.started', 'rollback.succeeded']) {
      expect((await audit(action))[0]).toMatchObject({
        actor: 'UALICE',
        subject: `group:${groupId}`,
        details: expect.objectContaining({ requestId, target: 'api-prod', backend: 'kubernetes' }),
      });
    }
    expect((await audit('rollback.succeeded'))[0]!.details).toMatchObject({
      summary: 'Deployment shop/api is at revision 41',
      result: { revision: '41' },
    });
    const after = await w.messageShows(ref, 'Rolled back *api-prod*');
    expect(after).toContain('"action_id":"mogo_rollback"'); // free to roll back again
  });

  it('a refusal ends in a clear thread message, a failed status on the message and an audit row', async () => {
    w.deployers.impl.rollback = async () => {
      throw new AppError('ROLLBACK_REFUSED', 'Deployment shop/api is paused', { details: { status: 409 } });
    };
    const { groupId, ref } = await w.fire('api-prod');

    await w.submit('UALICE', await w.openDialog('UALICE', groupId, ref));

    await w.messageShows(ref, 'failed at');
    await w.slack.waitFor(() => w.thread(ref).some((l) => l.startsWith(':x:')));
    expect(w.thread(ref).at(-1)).toBe(
      ':x: Rollback of *api-prod* (kubernetes, production) failed. The backend refused: Deployment shop/api is paused',
    );
    expect((await audit('rollback.failed'))[0]).toMatchObject({
      actor: 'UALICE',
      details: expect.objectContaining({
        target: 'api-prod',
        backend: 'kubernetes',
        code: 'ROLLBACK_REFUSED',
        status: 409,
      }),
    });
  });

  it('a backend that never answers times out loudly (timeoutMs is 2 s here)', async () => {
    const hang = hangingRollback();
    w.deployers.impl.rollback = hang.impl;
    const { groupId, ref } = await w.fire('api-prod');

    await w.submit('UALICE', await w.openDialog('UALICE', groupId, ref));

    await w.messageShows(ref, 'No result in time');
    expect((await w.t.rollbacks.latestForGroup(groupId))!.state).toBe('failed');
    hang.release();
  }, 15_000);

  it('a plan that fails is shown in the dialog, which then offers no Roll back', async () => {
    w.deployers.impl.plan = async () => {
      throw new AppError('ROLLBACK_CONFIG', 'target "api-prod": environment variable K8S_TOKEN is not set');
    };
    const { groupId, ref } = await w.fire('api-prod');

    const view = await w.openDialog('UALICE', groupId, ref);

    expect(view.submit).toBeUndefined();
    expect(JSON.stringify(view.blocks)).toContain('environment variable K8S_TOKEN is not set');
    expect(w.deployers.rollbacks()).toEqual([]);
  });

  it('the submitting user is checked again: a dialog submitted by someone without the role does nothing', async () => {
    const { groupId, ref } = await w.fire('api-prod');
    const view = await w.openDialog('UALICE', groupId, ref);

    await w.submit('UEVE', view);

    await w.ephemeral('UEVE', 'Nothing was rolled back');
    expect(w.deployers.rollbacks()).toEqual([]);
    expect(await w.t.rollbacks.latestForGroup(groupId)).toBeNull();
  });

  it('a second request while the target is being rolled back is told who is at it', async () => {
    const hang = hangingRollback();
    w.deployers.impl.rollback = hang.impl;
    const first = await w.fire('api-prod');
    const second = await w.fire('api-prod');
    const aliceView = await w.openDialog('UALICE', first.groupId, first.ref);
    const bobView = await w.openDialog('UBOB', second.groupId, second.ref);

    await w.submit('UALICE', aliceView);
    await hang.started;
    await w.submit('UBOB', bobView);
    await w.submit('UALICE', aliceView); // a double submit changes nothing either

    expect(await w.ephemeral('UBOB', 'already being rolled back')).toBe(
      '*api-prod* is already being rolled back by <@UALICE>.',
    );
    expect(w.deployers.rollbacks()).toHaveLength(1);
    expect((await audit('rollback.denied'))[0]).toMatchObject({
      actor: 'UBOB',
      details: expect.objectContaining({ reason: 'busy', heldBy: 'UALICE', target: 'api-prod' }),
    });
    await w.click('mogo_rollback', 'UBOB', second.groupId, second.ref);
    await w.slack.waitFor(
      () => w.slack.callsTo('chat.postEphemeral').filter((c) => c.body.user === 'UBOB').length === 2,
    );
    hang.release('rolled back after all');
    await w.messageShows(first.ref, 'rolled back after all');
  });
});
