import { AppError } from '../../errors';
import type { Deployer, ProgressFn, RollbackContext, RollbackResult } from '../deployer';
import { follow } from './follow';
import { createHttp, type HttpResponse } from './http';
import type { Runtime } from './runtime';

type GithubTarget = Extract<RollbackContext['target'], { backend: 'github-actions' }>;

interface Workflow {
  id?: number;
  name?: string;
  path?: string;
  state?: string;
}

interface DispatchDetails {
  workflow_run_id?: number;
  run_url?: string;
  html_url?: string;
}

interface WorkflowRun {
  status?: string;
  conclusion?: string | null;
  html_url?: string;
}

/**
 * Dispatches a workflow_dispatch workflow with the alert, service, environment and actor as inputs. The
 * dispatch is one POST, never repeated after an ambiguous failure (it would start a second run). GitHub
 * answers 204, or 200 with the run's id when asked (`return_run_details`, February 2026); servers that do
 * not know the parameter (older GitHub Enterprise) refuse it with a validation error, after which the
 * dispatch is sent once more without it: a validation refusal started nothing.
 */
export function createGithubActionsDeployer(target: GithubTarget, rt: Runtime): Deployer {
  const s = target.settings;
  const http = createHttp({
    rt,
    label: 'GitHub',
    baseURL: s.api_url,
    timeoutMs: rt.requestTimeoutMs,
    headers: { Accept: 'application/vnd.github+json', 'X-GitHub-Api-Version': '2022-11-28' },
  });
  const repo = `${s.owner}/${s.repo}`;
  const repoPath = `/repos/${encodeURIComponent(s.owner)}/${encodeURIComponent(s.repo)}`;
  const workflowPath = `${repoPath}/actions/workflows/${encodeURIComponent(s.workflow)}`;
  const what = `workflow "${s.workflow}" in ${repo} (or the token cannot see the repository)`;
  const auth = (): Record<string, string> => ({ Authorization: `Bearer ${rt.secret(s.token_env)}` });
  const summary = `dispatch workflow ${s.workflow} on ${repo}@${s.ref}`;

  return {
    backend: 'github-actions',
    async plan() {
      const res = await http.call({ method: 'GET', url: workflowPath, headers: auth(), what });
      const wf = (res.data ?? {}) as Workflow;
      if (wf.state !== undefined && wf.state !== 'active') {
        throw new AppError(
          'ROLLBACK_REFUSED',
          `target "${rt.target}": workflow ${s.workflow} in ${repo} is ${wf.state.replace(/_/g, ' ')}; enable it first`,
          { details: { workflow: s.workflow, repo, state: wf.state } },
        );
      }
      return { summary };
    },

    async rollback(ctx, progress): Promise<RollbackResult> {
      const inputs: Record<string, string> = {
        alert: ctx.alert.alertname,
        service: ctx.alert.labels.service ?? '',
        environment: target.environment,
        actor: ctx.actor,
        ...s.inputs,
      };
      progress(`dispatching workflow ${s.workflow} on ${repo}@${s.ref}`);
      const res = await dispatch({ ref: s.ref, inputs });
      const run = res.status === 200 ? ((res.data ?? {}) as DispatchDetails) : {};
      const details: Record<string, unknown> = { repo, workflow: s.workflow, ref: s.ref, status: res.status };
      if (run.workflow_run_id !== undefined) details.runId = run.workflow_run_id;
      if (run.html_url !== undefined) details.runUrl = run.html_url;
      const where = run.html_url ? ` (${run.html_url})` : '';
      if (!s.follow_run || run.workflow_run_id === undefined) {
        const unfollowed = s.follow_run ? '; GitHub did not name the run, so it is not followed' : '';
        return {
          summary: `workflow ${s.workflow} dispatched on ${repo}@${s.ref}${where}${unfollowed}`,
          details,
        };
      }
      const final = await followRun(run.workflow_run_id, progress);
      details.conclusion = final.conclusion;
      if (final.conclusion !== 'success') {
        throw new AppError(
          'ROLLBACK_FAILED',
          `target "${rt.target}": workflow run ${run.workflow_run_id} of ${s.workflow} ended ${final.conclusion ?? 'without a conclusion'}${where}`,
          { details },
        );
      }
      return { summary: `workflow ${s.workflow} on ${repo}@${s.ref} succeeded${where}`, details };
    },
  };

  async function dispatch(body: { ref: string; inputs: Record<string, string> }): Promise<HttpResponse> {
    const url = `${workflowPath}/dispatches`;
    let legacy = false;
    const send = (): Promise<HttpResponse> =>
      http.call(
        {
          method: 'POST',
          url,
          data: legacy ? body : { ...body, return_run_details: true },
          headers: auth(),
          what,
        },
        (res, message) => {
          if ((res.status === 422 || res.status === 400) && /return_run_details/.test(message)) {
            legacy = true;
            return undefined;
          }
          if (res.status !== 422) return undefined;
          return new AppError(
            'ROLLBACK_REFUSED',
            `target "${rt.target}": GitHub refused to dispatch ${s.workflow} on ${repo}@${s.ref}: ${message}`,
            { details: { repo, workflow: s.workflow, ref: s.ref, status: 422, message } },
          );
        },
      );
    try {
      return await send();
    } catch (e) {
      if (!legacy) throw e;
      rt.log?.info('GitHub does not know return_run_details; dispatching without it');
      return send();
    }
  }

  function followRun(runId: number, progress: ProgressFn): Promise<WorkflowRun> {
    const url = `${repoPath}/actions/runs/${runId}`;
    return follow(
      rt,
      `workflow run ${runId}`,
      async () => {
        const res = await http.call({
          method: 'GET',
          url,
          headers: auth(),
          what: `workflow run ${runId} in ${repo}`,
        });
        const run = (res.data ?? {}) as WorkflowRun;
        if (run.status === 'completed') return { done: true, value: run };
        return {
          done: false,
          line: `workflow run ${runId}: ${(run.status ?? 'unknown').replace(/_/g, ' ')}`,
        };
      },
      progress,
    );
  }
}
