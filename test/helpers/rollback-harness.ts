import { readFileSync } from 'node:fs';
import { copyFile, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RollbackOptions } from '../../src/incidents/rollback/deps';
import type { AuditRecord } from '../../src/ports';
import type { RollbackTargetConfig } from '../../src/rollback/config-schema';
import type {
  Deployer,
  ProgressFn,
  RollbackContext,
  RollbackPlan,
  RollbackResult,
} from '../../src/rollback/deployer';
import type { Db } from '../../src/store/db';
import { type FakeSlack, startFakeSlack } from '../fakes/slack-server';
import { postWebhook, REPO_RULES, readJson, SIGNING_SECRET, startTestApp, type TestApp } from './app-harness';
import { blockActionPayload, interactionBody, signSlackRequest, viewSubmissionPayload } from './slack-sign';

/**
 * In-process rollback scenarios: the repository's rules plus declared targets and roles, a fake Slack (with
 * user groups), a fake Deployer per target, and helpers that click, open and submit the way Slack does.
 */

/** Two targets: one runs at once, one needs a second person. UALICE directly, UBOB through user group SSRE. */
export const ROLLBACK_RULES = `version: 1
targets:
  - name: api-prod
    backend: kubernetes
    environment: production
    attach: { from_alerts: true, matchers: ['alertname=~".+"'] }
    settings: { namespace: shop, name: api }
  - name: api-guarded
    backend: argocd
    environment: production
    approval: true
    attach: { from_alerts: true, matchers: ['alertname=~".+"'] }
    settings: { server: "https://argocd.example.invalid", application: api }
roles:
  - name: oncall
    users: [UALICE]
    usergroups: [SSRE]
    permissions:
      - { action: rollback, targets: ["api-*"] }
      - { action: approve, targets: ["api-*"], environments: [production] }
`;

export async function writeRulesDir(extra: string = ROLLBACK_RULES): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mogo-rules-'));
  for (const f of await readdir(REPO_RULES))
    if (f.endsWith('.yml')) await copyFile(join(REPO_RULES, f), join(dir, f));
  await writeFile(join(dir, '90-test-rollback.yml'), extra);
  return dir;
}

type RollbackImpl = (ctx: RollbackContext, progress: ProgressFn) => Promise<RollbackResult>;

/** A Deployer per target that records every call; plan and rollback are replaceable per test. */
export function fakeDeployers() {
  const calls: { op: 'plan' | 'rollback'; target: string; ctx: RollbackContext }[] = [];
  const impl = {
    plan: async (_ctx: RollbackContext): Promise<RollbackPlan> => ({
      summary: 'Deployment shop/api: revision 42 -> 41',
      fromRevision: '42',
      toRevision: '41',
    }),
    rollback: (async (_ctx, progress) => {
      progress('patching Deployment shop/api');
      progress('3/3 replicas updated');
      return { summary: 'Deployment shop/api is at revision 41', details: { revision: '41' } };
    }) as RollbackImpl,
  };
  const defaults = { ...impl };
  const deployerFor = (target: RollbackTargetConfig): Deployer => ({
    backend: target.backend,
    plan: (ctx) => {
      calls.push({ op: 'plan', target: target.name, ctx });
      return impl.plan(ctx);
    },
    rollback: (ctx, progress) => {
      calls.push({ op: 'rollback', target: target.name, ctx });
      return impl.rollback(ctx, progress);
    },
  });
  return {
    calls,
    impl,
    deployerFor,
    rollbacks: () => calls.filter((c) => c.op === 'rollback'),
    reset() {
      calls.length = 0;
      Object.assign(impl, defaults);
    },
  };
}

/** A rollback that runs until released: `release()` settles it with a result, `fail(err)` with an error. */
export function hangingRollback() {
  let settle: { resolve: (r: RollbackResult) => void; reject: (e: unknown) => void } | undefined;
  let markStarted = () => {};
  const started = new Promise<void>((r) => {
    markStarted = r;
  });
  const impl: RollbackImpl = (_ctx, progress) => {
    progress('waiting for the backend');
    markStarted();
    return new Promise<RollbackResult>((resolve, reject) => {
      settle = { resolve, reject };
    });
  };
  return {
    impl,
    started,
    release: (summary = 'done late') => settle?.resolve({ summary, details: {} }),
    fail: (err: unknown) => settle?.reject(err),
  };
}

export interface RollbackWorld {
  slack: FakeSlack;
  t: TestApp;
  deployers: ReturnType<typeof fakeDeployers>;
  /** Posts a firing group whose alerts carry `rollback_target: <target>`; resolves with its id and message. */
  fire(
    target: string | null,
    key?: string,
  ): Promise<{ groupId: string; ref: { channel: string; ts: string } }>;
  click(
    actionId: string,
    user: string,
    value: string,
    ref: { channel: string; ts: string },
  ): Promise<Response>;
  /** Clicks Rollback and waits for the dialog to show its plan; returns the final view. */
  openDialog(
    user: string,
    groupId: string,
    ref: { channel: string; ts: string },
  ): Promise<Record<string, unknown>>;
  submit(user: string, view: Record<string, unknown>): Promise<Response>;
  /** The text of the replies in the message's thread so far. */
  thread(ref: { ts: string }): string[];
  /** Waits for an update of the message whose blocks contain `text`; returns the blocks as JSON. */
  messageShows(ref: { ts: string }, text: string): Promise<string>;
  ephemeral(user: string, text: string): Promise<string>;
  /** Audit rows of one action, newest first, after flushing the batch in flight. */
  audit(action: string): Promise<AuditRecord[]>;
  close(): Promise<void>;
}

const FIXTURE = join(__dirname, '../fixtures/alertmanager/firing-3-alerts.json');

export async function startRollbackWorld(
  opts: { rollbackOptions?: Partial<RollbackOptions>; db?: Db; slack?: FakeSlack; rules?: string } = {},
): Promise<RollbackWorld> {
  const slack = opts.slack ?? (await startFakeSlack({ usergroups: { SSRE: ['UBOB'] } }));
  const rulesDir = await writeRulesDir(opts.rules);
  const deployers = fakeDeployers();
  const t = await startTestApp({
    slackApiUrl: slack.url,
    rulesDir,
    deployerFor: deployers.deployerFor,
    ...(opts.rollbackOptions ? { rollbackOptions: opts.rollbackOptions } : {}),
    ...(opts.db ? { db: opts.db } : {}),
  });
  const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8'));
  const send = (form: string) =>
    fetch(`${t.url}/slack/events`, {
      method: 'POST',
      headers: signSlackRequest(SIGNING_SECRET, form),
      body: form,
    });
  let triggers = 0;

  const world: RollbackWorld = {
    slack,
    t,
    deployers,
    async audit(action) {
      await t.audit.flush();
      return t.audit.list({ action });
    },
    async fire(target, key = `{}:{alertname="HighLatency", test="${Math.random()}"}`) {
      const body = structuredClone(fixture);
      body.groupKey = key;
      for (const a of body.alerts) if (target) a.labels.rollback_target = target;
      const groupId = (await readJson(await postWebhook(t.url, body))).groupId as string;
      const posted = await slack.waitFor(
        // the post that Slack accepted: a burst of posts to one channel can meet a 429 first (then it is retried)
        (c) =>
          c.method === 'chat.postMessage' &&
          c.response?.ok === true &&
          JSON.stringify(c.body.blocks ?? '').includes(groupId),
      );
      return {
        groupId,
        ref: { channel: posted.response?.channel as string, ts: posted.response?.ts as string },
      };
    },
    click: (actionId, user, value, ref) =>
      send(
        interactionBody(
          blockActionPayload({
            user,
            channel: ref.channel,
            ts: ref.ts,
            actionId,
            value,
            triggerId: `trig-${++triggers}`,
          }),
        ),
      ),
    async openDialog(user, groupId, ref) {
      const before = slack.callsTo('views.update').length;
      const res = await world.click('mogo_rollback', user, groupId, ref);
      if (res.status !== 200) throw new Error(`click answered ${res.status}`);
      await slack.waitFor(() => slack.callsTo('views.update').length > before);
      const update = slack.callsTo('views.update')[before]!;
      return { ...(update.body.view as Record<string, unknown>), id: update.body.view_id };
    },
    submit: (user, view) => send(interactionBody(viewSubmissionPayload({ user, view }))),
    thread: (ref) =>
      slack
        .callsTo('chat.postMessage')
        .filter((c) => c.body.thread_ts === ref.ts)
        .map((c) => String(c.body.text)),
    async messageShows(ref, text) {
      const call = await slack.waitFor(
        (c) =>
          c.method === 'chat.update' && c.body.ts === ref.ts && JSON.stringify(c.body.blocks).includes(text),
      );
      return JSON.stringify(call.body.blocks);
    },
    async ephemeral(user, text) {
      const call = await slack.waitFor(
        (c) =>
          c.method === 'chat.postEphemeral' && c.body.user === user && String(c.body.text).includes(text),
      );
      return String(call.body.text);
    },
    async close() {
      await t.close();
      if (!opts.slack) await slack.close();
      await rm(rulesDir, { recursive: true, force: true });
    },
  };
  return world;
}
