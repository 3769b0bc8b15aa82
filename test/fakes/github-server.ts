import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The slice of the GitHub REST API the github-actions backend uses, on 127.0.0.1: get a workflow, dispatch
 * it (validated as GitHub validates: ref, declared inputs, string values, the workflow_dispatch trigger),
 * and read a run, which goes queued -> in_progress -> completed over three reads.
 */

export interface FakeWorkflow {
  /** File name, e.g. "rollback.yml"; the workflow can be named by it or by id. */
  file: string;
  id: number;
  state?: 'active' | 'disabled_manually' | 'disabled_inactivity';
  /** Has an `on: workflow_dispatch` trigger. Default true. */
  dispatch?: boolean;
  /** Declared workflow_dispatch inputs. Default alert, service, environment, actor. */
  inputs?: string[];
  required?: string[];
}

export interface GithubCall {
  method: string;
  path: string;
  headers: Record<string, string | undefined>;
  body: unknown;
  status: number;
}

export interface FakeGithubOptions {
  token: string;
  owner?: string;
  repo?: string;
  workflows?: FakeWorkflow[];
  refs?: string[];
  /** Knows return_run_details (github.com since February 2026). Default true; false is an older GHES. */
  runDetails?: boolean;
  /** Path prefix, "/api/v3" for GitHub Enterprise Server. */
  prefix?: string;
  /** How dispatched runs conclude. Default "success". */
  conclusion?: string;
}

export interface FakeGithub {
  /** The api_url to configure. */
  readonly url: string;
  readonly calls: readonly GithubCall[];
  /** Accepted dispatches, in order. */
  readonly dispatches: ReadonlyArray<{
    workflow: string;
    ref: string;
    inputs: Record<string, unknown>;
    runId?: number;
  }>;
  /** The next request is answered with this instead. */
  failNext(status: number, body?: unknown, headers?: Record<string, string>): void;
  close(): Promise<void>;
}

const DOCS = 'https://docs.github.com/rest';
const RUN_STEPS = ['queued', 'in_progress', 'completed'];

export async function startFakeGithub(opts: FakeGithubOptions): Promise<FakeGithub> {
  const owner = opts.owner ?? 'acme';
  const repo = opts.repo ?? 'shop';
  const refs = new Set(opts.refs ?? ['main']);
  const prefix = opts.prefix ?? '';
  const workflows = opts.workflows ?? [{ file: 'rollback.yml', id: 161335 }];
  const calls: GithubCall[] = [];
  const dispatches: Array<{
    workflow: string;
    ref: string;
    inputs: Record<string, unknown>;
    runId?: number;
  }> = [];
  const failures: Array<{ status: number; body?: unknown; headers?: Record<string, string> }> = [];
  const runs = new Map<number, number>();
  let nextRun = 9_000_000_001;
  let origin = '';

  const server = createServer((req, res) => {
    void handle(req, res).catch((e: unknown) => send(res, 500, { message: String(e) }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const body = raw === '' ? undefined : safeJson(raw);
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const answer = (status: number, data?: unknown, headers: Record<string, string> = {}): void => {
      calls.push({
        method: req.method ?? '',
        path,
        headers: { ...req.headers } as GithubCall['headers'],
        body,
        status,
      });
      send(res, status, data, headers);
    };
    const failure = failures.shift();
    if (failure) return answer(failure.status, failure.body, failure.headers);
    const auth = /^(?:Bearer|token) (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (auth === undefined)
      return answer(401, { message: 'Requires authentication', documentation_url: DOCS, status: '401' });
    if (auth !== opts.token)
      return answer(401, { message: 'Bad credentials', documentation_url: DOCS, status: '401' });
    const version = req.headers['x-github-api-version'];
    if (version !== undefined && version !== '2022-11-28' && version !== '2026-03-10') {
      return answer(400, {
        message: `Invalid API version: ${version}`,
        documentation_url: DOCS,
        status: '400',
      });
    }
    const m = new RegExp(
      `^${prefix}/repos/([^/]+)/([^/]+)/actions/(workflows|runs)/([^/]+)(/dispatches)?$`,
    ).exec(path);
    if (!m || m[1] !== owner || m[2] !== repo)
      return answer(404, { message: 'Not Found', documentation_url: DOCS, status: '404' });
    const [, , , kind, id, dispatchPath] = m as unknown as [string, string, string, string, string, string?];
    if (kind === 'runs' && req.method === 'GET' && runs.has(Number(id))) {
      const step = Math.min(runs.get(Number(id))! + 1, RUN_STEPS.length - 1);
      runs.set(Number(id), step);
      const status = RUN_STEPS[step]!;
      const conclusion = status === 'completed' ? (opts.conclusion ?? 'success') : null;
      return answer(200, {
        id: Number(id),
        status,
        conclusion,
        html_url: `https://github.com/${owner}/${repo}/actions/runs/${id}`,
      });
    }
    const wf =
      kind === 'workflows'
        ? workflows.find((w) => w.file === decodeURIComponent(id) || String(w.id) === id)
        : undefined;
    if (!wf) return answer(404, { message: 'Not Found', documentation_url: DOCS, status: '404' });
    if (req.method === 'GET' && !dispatchPath) {
      return answer(200, {
        id: wf.id,
        name: wf.file,
        path: `.github/workflows/${wf.file}`,
        state: wf.state ?? 'active',
      });
    }
    if (req.method !== 'POST' || !dispatchPath)
      return answer(404, { message: 'Not Found', documentation_url: DOCS, status: '404' });
    const invalid = validateDispatch(wf, body, refs, opts.runDetails ?? true);
    if (invalid) return answer(422, { message: invalid, documentation_url: DOCS, status: '422' });
    const b = body as { ref: string; inputs?: Record<string, unknown>; return_run_details?: boolean };
    if (!b.return_run_details) {
      dispatches.push({ workflow: wf.file, ref: b.ref, inputs: b.inputs ?? {} });
      return answer(204);
    }
    const runId = nextRun++;
    runs.set(runId, -1);
    dispatches.push({ workflow: wf.file, ref: b.ref, inputs: b.inputs ?? {}, runId });
    return answer(200, {
      workflow_run_id: runId,
      run_url: `${origin}${prefix}/repos/${owner}/${repo}/actions/runs/${runId}`,
      html_url: `https://github.com/${owner}/${repo}/actions/runs/${runId}`,
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${origin}${prefix}`,
    calls,
    dispatches,
    failNext(status, body, headers) {
      failures.push({ status, ...(body === undefined ? {} : { body }), ...(headers ? { headers } : {}) });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function validateDispatch(
  wf: FakeWorkflow,
  body: unknown,
  refs: Set<string>,
  runDetails: boolean,
): string | undefined {
  if (body === null || typeof body !== 'object') return 'Problems parsing JSON';
  const b = body as Record<string, unknown>;
  const allowed = runDetails ? ['ref', 'inputs', 'return_run_details'] : ['ref', 'inputs'];
  const extra = Object.keys(b).find((k) => !allowed.includes(k));
  if (extra) return `Invalid request.\n\n"${extra}" is not a permitted key.`;
  if (typeof b.ref !== 'string') return `Invalid request.\n\n"ref" wasn't supplied.`;
  if (wf.dispatch === false) return "Workflow does not have 'workflow_dispatch' trigger";
  if ((wf.state ?? 'active') !== 'active')
    return "Cannot trigger a 'workflow_dispatch' on a disabled workflow";
  if (!refs.has(b.ref.replace(/^refs\/(heads|tags)\//, ''))) return `No ref found for: ${b.ref}`;
  const inputs = (b.inputs ?? {}) as Record<string, unknown>;
  const declared = wf.inputs ?? ['alert', 'service', 'environment', 'actor'];
  const unexpected = Object.keys(inputs).filter((k) => !declared.includes(k));
  if (unexpected.length > 0) return `Unexpected inputs provided: ${JSON.stringify(unexpected)}`;
  for (const [k, v] of Object.entries(inputs)) {
    if (typeof v !== 'string') return `For 'properties/${k}', ${JSON.stringify(v)} is not a string.`;
  }
  const missing = (wf.required ?? []).find((k) => !(k in inputs));
  if (missing) return `Required input '${missing}' not provided`;
  return undefined;
}

function send(
  res: ServerResponse,
  status: number,
  data?: unknown,
  headers: Record<string, string> = {},
): void {
  const text = data === undefined ? '' : JSON.stringify(data);
  res
    .writeHead(status, { ...(text ? { 'content-type': 'application/json; charset=utf-8' } : {}), ...headers })
    .end(text);
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return null;
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
