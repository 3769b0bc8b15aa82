import { Agent } from 'node:https';
import { AppError } from '../../errors';
import type { Deployer, RollbackContext, RollbackPlan, RollbackResult } from '../deployer';
import { follow } from './follow';
import { createHttp } from './http';
import type { Runtime } from './runtime';

type ArgoTarget = Extract<RollbackContext['target'], { backend: 'argocd' }>;

interface HistoryEntry {
  id: number | string;
  revision?: string;
  revisions?: string[];
  deployedAt?: string;
}

interface OperationState {
  phase?: string;
  message?: string;
  startedAt?: string;
}

interface Application {
  operation?: unknown;
  spec?: { syncPolicy?: { automated?: unknown } };
  status?: {
    history?: HistoryEntry[];
    operationState?: OperationState;
    sync?: { status?: string };
    health?: { status?: string };
  };
}

interface Choice {
  current: HistoryEntry;
  previous: HistoryEntry;
  plan: RollbackPlan;
  startedAt: string | undefined;
}

const RUNNING = new Set(['Running', 'Terminating']);

/**
 * Argo CD's rollback: a sync to the revision of one `status.history` entry, named by its exact id. The
 * server refuses while auto-sync is on (the controller would sync forward again at once) and while another
 * operation runs; both are checked first so the confirm dialog can say so, and the server's own refusal is
 * quoted if it still comes. Needs the `applications, get` and `applications, sync` RBAC permissions.
 */
export function createArgoCdDeployer(target: ArgoTarget, rt: Runtime): Deployer {
  const s = target.settings;
  const app = s.application;
  const http = createHttp({
    rt,
    label: 'Argo CD',
    baseURL: s.server,
    timeoutMs: rt.requestTimeoutMs,
    ...(s.insecure ? { httpsAgent: new Agent({ rejectUnauthorized: false }) } : {}),
  });
  const appPath = `/api/v1/applications/${encodeURIComponent(app)}`;
  const params = s.app_namespace === undefined ? undefined : { appNamespace: s.app_namespace };
  const auth = (): Record<string, string> => ({ Authorization: `Bearer ${rt.secret(s.token_env)}` });
  const what = `application ${app}${s.app_namespace ? ` in namespace ${s.app_namespace}` : ''}`;

  async function read(): Promise<Application> {
    const res = await http.call(
      { method: 'GET', url: appPath, headers: auth(), what, ...(params ? { params } : {}) },
      (r, message) =>
        r.status === 403
          ? new AppError(
              'ROLLBACK_CONFIG',
              `the token for target "${rt.target}" was refused by Argo CD (HTTP 403: ${message}); Argo CD also answers so for applications that do not exist`,
              { details: { backend: 'Argo CD', target: rt.target, status: 403, message } },
            )
          : undefined,
    );
    return (res.data ?? {}) as Application;
  }

  function choose(a: Application): Choice {
    const refuse = (text: string): AppError =>
      new AppError('ROLLBACK_REFUSED', `target "${rt.target}": ${text}`, { details: { application: app } });
    if (a.spec?.syncPolicy?.automated) {
      throw refuse(`auto-sync is enabled for ${app}; Argo CD refuses to roll back — disable auto-sync first`);
    }
    const op = a.status?.operationState;
    if (a.operation || (op?.phase && RUNNING.has(op.phase))) {
      const state = op?.phase ? ` (${op.phase}${op.message ? `: ${op.message}` : ''})` : '';
      throw refuse(`another operation is in progress on ${app}${state}; wait for it or terminate it first`);
    }
    const history = [...(a.status?.history ?? [])].sort((x, y) => Number(x.id) - Number(y.id));
    const current = history.at(-1);
    if (current === undefined) throw refuse(`Argo CD has no deployment history for ${app}`);
    // the newest earlier deployment of a different revision: re-syncs of the same revision add entries too
    const previous = history
      .slice(0, -1)
      .reverse()
      .find((h) => revisionOf(h) !== revisionOf(current));
    if (previous === undefined) {
      throw refuse(`Argo CD has no earlier deployment of ${app} with a different revision to roll back to`);
    }
    return {
      current,
      previous,
      startedAt: op?.startedAt,
      plan: {
        summary: `Argo CD ${app}: history ${current.id} (${short(current)}) -> ${previous.id} (${short(previous)})`,
        fromRevision: revisionOf(current),
        toRevision: revisionOf(previous),
      },
    };
  }

  return {
    backend: 'argocd',
    async plan() {
      return choose(await read()).plan;
    },

    async rollback(_ctx, progress): Promise<RollbackResult> {
      const { previous, startedAt, plan } = choose(await read());
      const id = Number(previous.id);
      progress(`asking Argo CD to roll ${app} back to history id ${previous.id} (${short(previous)})`);
      await http.call(
        {
          method: 'POST',
          url: `${appPath}/rollback`,
          headers: auth(),
          what,
          data: {
            name: app,
            id: Number.isSafeInteger(id) ? id : String(previous.id),
            dryRun: false,
            prune: false,
            ...(s.app_namespace ? { appNamespace: s.app_namespace } : {}),
          },
        },
        (res, message) =>
          res.status === 400 || res.status === 409 || res.status === 412
            ? new AppError(
                'ROLLBACK_REFUSED',
                `target "${rt.target}": Argo CD refused the rollback: ${message}`,
                {
                  details: { application: app, historyId: previous.id, status: res.status, message },
                },
              )
            : undefined,
      );
      const final = await follow(
        rt,
        `the Argo CD rollback of ${app}`,
        async () => {
          const a = await read();
          const op = a.status?.operationState;
          if (!op || op.startedAt === startedAt)
            return { done: false, line: 'waiting for Argo CD to start the sync' };
          if (op.phase === 'Succeeded') return { done: true, value: a };
          if (op.phase === 'Failed' || op.phase === 'Error') {
            throw new AppError(
              'ROLLBACK_FAILED',
              `target "${rt.target}": Argo CD rollback of ${app} ended ${op.phase}: ${rt.scrub(op.message ?? 'no message')}`,
              { details: { application: app, historyId: previous.id, phase: op.phase, message: op.message } },
            );
          }
          return { done: false, line: `${op.phase ?? 'Pending'}: ${op.message ?? ''}`.trim() };
        },
        progress,
      );
      const op = final.status?.operationState;
      const health = final.status?.health?.status;
      return {
        summary: `Argo CD rolled ${app} back to history id ${previous.id} (${short(previous)})${health ? `, ${health}` : ''}`,
        details: {
          application: app,
          historyId: previous.id,
          fromRevision: plan.fromRevision,
          toRevision: plan.toRevision,
          phase: op?.phase,
          message: op?.message,
          sync: final.status?.sync?.status,
          health,
        },
      };
    },
  };
}

function revisionOf(h: HistoryEntry): string {
  return h.revision ?? h.revisions?.join(',') ?? '';
}

function short(h: HistoryEntry): string {
  const r = revisionOf(h);
  return /^[0-9a-f]{40}$/.test(r) ? r.slice(0, 7) : r || 'unknown revision';
}
