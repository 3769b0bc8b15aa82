import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BotProcess, startBot } from '../helpers/bot-process';

// a first start creates the embedded database: on a loaded 2-core machine that alone can take a minute
jest.setTimeout(200_000);

/**
 * Local mode stays light because it never loads what it does not use (issue 10: ~55 MB of Bolt, the Slack
 * Web API, pg, ioredis and axios; bench/RESULTS.md). One top-level import would bring them back without any
 * other test noticing: this starts the built bot in local mode with a require hook that lists the packages
 * it loaded, and names the ones that must not be among them.
 */
const TRACER = `
const Module = require('node:module');
const { writeFileSync } = require('node:fs');
const seen = new Set();
const load = Module._load;
Module._load = function (request, parent, isMain) {
  const loaded = load.apply(this, arguments);
  try {
    const file = Module._resolveFilename(request, parent, isMain);
    const m = /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(file);
    if (m && !(parent && /node_modules/.test(parent.filename))) seen.add(m[1]);
  } catch {}
  return loaded;
};
process.on('exit', () => writeFileSync(process.env.MOGO_TRACE_OUT, [...seen].sort().join('\\n')));
`;

describe('local mode footprint', () => {
  let dir: string;
  let bot: BotProcess | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mogo-footprint-'));
    await writeFile(join(dir, 'tracer.js'), TRACER);
  });
  afterAll(async () => {
    if (bot && !bot.exited) await bot.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('loads neither Slack, pg, ioredis nor axios (nor the Kubernetes client) without a token, database or Redis', async () => {
    const out = join(dir, 'loaded.txt');
    bot = await startBot(
      {
        DATA_DIR: join(dir, 'data'),
        LOG_LEVEL: 'warn',
        NODE_OPTIONS: `--require ${join(dir, 'tracer.js')}`,
        MOGO_TRACE_OUT: out,
      },
      { readyTimeoutMs: 150_000 },
    );
    await fetch(`${bot.url}/webhooks/alertmanager`, { method: 'POST', body: '{}' });
    expect(await bot.stop()).toBe(0);

    const loaded = (await readFile(out, 'utf8')).split('\n');
    expect(loaded).toEqual(expect.arrayContaining(['@electric-sql/pglite', 'pino', 'zod']));
    const unwanted = ['@slack/bolt', '@slack/web-api', 'pg', 'ioredis', 'axios', '@kubernetes/client-node'];
    expect(loaded.filter((p) => unwanted.includes(p))).toEqual([]);
  });
});
