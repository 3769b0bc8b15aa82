// Start dist/ as `npm start` does (its Node flags) on a fresh data directory (or BENCH_DATABASE_URL), in local
// mode without Slack, and wait until /readyz says ready. Shared by the benchmarks that post webhooks to one bot.
const { spawn } = require('node:child_process');
const { mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');

/** `node --liftoff-only --max-semi-space-size=2 dist/cli/main.js serve` -> its flags; BENCH_NODE_FLAGS overrides. */
function startFlags() {
  const override = process.env.BENCH_NODE_FLAGS ?? process.env.STALL_NODE_FLAGS;
  if (override !== undefined) return override.split(' ').filter(Boolean);
  const start = JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')).scripts.start;
  return start.split(' ').filter((w) => w.startsWith('--'));
}

async function startBot({ extraFlags = [], env = {} } = {}) {
  const port = 39000 + Math.floor(Math.random() * 500);
  const url = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'mogo-bench-'));
  const bot = spawn(process.execPath, [...startFlags(), ...extraFlags, 'dist/cli/main.js', 'serve'], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      WEBHOOK_BODY_LIMIT: String(64 * 1024 * 1024),
      SLACK_BOT_TOKEN: '',
      DATABASE_URL: process.env.BENCH_DATABASE_URL ?? process.env.STALL_DATABASE_URL ?? '',
      REDIS_URL: '',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const stop = async () => {
    bot.kill('SIGTERM');
    await new Promise((r) => bot.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  };
  for (let i = 0; i < 600; i++) {
    const ready = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return { url, stop, flags: startFlags() };
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error('the bot did not become ready in 60 s');
}

/** POST a notification; resolves with the status and how long the answer took. */
async function postNotification(url, body) {
  const t0 = performance.now();
  const res = await fetch(`${url}/webhooks/alertmanager`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  await res.arrayBuffer();
  return { status: res.status, ms: performance.now() - t0 };
}

module.exports = { startBot, postNotification };
