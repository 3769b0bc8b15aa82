import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

/** The repository root, where `npm start` runs `node dist/cli/main.js serve`. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

const ENTRY = path.join('dist', 'cli', 'main.js');
const KILL_AFTER_MS = 10_000;

export type LogLine = Record<string, unknown>;

export interface StartBotOptions {
  /** Directory holding dist/cli/main.js; the repo root by default. */
  cwd?: string;
  /** How long to wait for GET /readyz to answer 200. */
  readyTimeoutMs?: number;
  /** 'listening': resolve once /healthz answers, for a bot expected to stay not ready (default 'ready'). */
  waitUntil?: 'ready' | 'listening';
}

/** The bot running as its own OS process, exactly as `npm start` runs it. */
export interface BotProcess {
  url: string;
  port: number;
  pid: number;
  /** stdout lines that parsed as JSON objects (pino lines). */
  logs(): LogLine[];
  /** Every stdout line, parsed or not. */
  rawLogs(): string[];
  stderr(): string;
  /** Resolves with the first log line (past or future) matching the predicate. */
  waitForLog(predicate: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** Sends the signal (SIGTERM by default), SIGKILL after 10s; resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** null while running; the exit code (or null if killed by a signal) afterwards. */
  readonly exitCode: number | null;
  readonly exited: boolean;
}

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('could not allocate a port'))));
    });
  });
}

export async function startBot(env: Record<string, string>, opts: StartBotOptions = {}): Promise<BotProcess> {
  const cwd = opts.cwd ?? REPO_ROOT;
  if (!existsSync(path.join(cwd, ENTRY))) {
    throw new Error(`${path.join(cwd, ENTRY)} not found: run \`npm run build\` first (npm test does)`);
  }
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const childEnv: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: process.env.HOME ?? homedir(),
    // Test files run in parallel on one Redis: keys per database (the replicas of one test share a schema, so
    // they share the budget and the replay check; other tests' bots do not)
    REDIS_KEY_PREFIX: `mogo-test-${createHash('sha1')
      .update(env.DATABASE_URL ?? env.DATA_DIR ?? String(port))
      .digest('hex')
      .slice(0, 12)}:`,
    ...env,
    PORT: String(port),
  };
  const child = spawn(process.execPath, [ENTRY, 'serve'], {
    cwd,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  const raw: string[] = [];
  const parsed: LogLine[] = [];
  const listeners = new Set<() => void>();
  let stderr = '';
  let exitCode: number | null = null;
  let exited = false;
  const exit = new Promise<number | null>((resolve) => {
    child.once('close', (code) => {
      exitCode = code;
      exited = true;
      resolve(code);
    });
  });
  exit.then(() => notify(listeners));
  child.once('error', (err) => {
    stderr += `spawn error: ${err.message}\n`;
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    raw.push(line);
    const json = parseJsonObject(line);
    if (json) parsed.push(json);
    notify(listeners);
  });

  const url = `http://127.0.0.1:${port}`;
  const tail = () => logTail(raw, stderr);

  const waitForLog = (predicate: (line: LogLine) => boolean, timeoutMs = 5_000) =>
    new Promise<LogLine>((resolve, reject) => {
      const check = () => {
        const hit = parsed.find(predicate);
        if (hit) return done(() => resolve(hit));
        if (exited)
          return done(() =>
            reject(new Error(`bot exited (code ${exitCode}) before the log line\n${tail()}`)),
          );
      };
      const timer = setTimeout(
        () => done(() => reject(new Error(`no matching log line within ${timeoutMs}ms\n${tail()}`))),
        timeoutMs,
      );
      const done = (settle: () => void) => {
        clearTimeout(timer);
        listeners.delete(check);
        settle();
      };
      listeners.add(check);
      check();
    });

  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (exited) return exitCode;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
    const code = await exit;
    clearTimeout(timer);
    return code;
  };

  try {
    const probe = opts.waitUntil === 'listening' ? '/healthz' : '/readyz';
    await waitForHttpOk(`${url}${probe}`, opts.readyTimeoutMs ?? 60_000, () => exited);
  } catch (err) {
    await stop('SIGKILL');
    throw new Error(`${(err as Error).message} (exit code ${exitCode})\n${tail()}`);
  }

  return {
    url,
    port,
    pid: child.pid!,
    logs: () => [...parsed],
    rawLogs: () => [...raw],
    stderr: () => stderr,
    waitForLog,
    stop,
    get exitCode() {
      return exitCode;
    },
    get exited() {
      return exited;
    },
  };
}

/** Polls until GET url answers 200; fails early once hasExited() says the server process is gone. */
export async function waitForHttpOk(url: string, timeoutMs: number, hasExited: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (hasExited()) throw new Error(`process exited before ${url} answered 200`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url} not ready within ${timeoutMs}ms (last: ${last})`);
}

function parseJsonObject(line: string): LogLine | null {
  if (!line.startsWith('{')) return null;
  try {
    const value: unknown = JSON.parse(line);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as LogLine) : null;
  } catch {
    return null;
  }
}

function notify(listeners: Set<() => void>): void {
  for (const listener of [...listeners]) listener();
}

function logTail(raw: string[], stderr: string, lines = 40): string {
  const out = raw.slice(-lines).join('\n');
  const err = stderr.split('\n').slice(-lines).join('\n').trim();
  return `--- stdout (last ${lines} lines) ---\n${out}\n--- stderr ---\n${err}`;
}
