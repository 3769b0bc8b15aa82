import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/bot-process';

// a bot process starts (a first start creates its embedded database) on a 2-core CI machine shared with
// the rest of the suite: give it room, the assertions inside still wait for conditions, not for time
jest.setTimeout(90_000);

const SECRET = 'Sup3rSecretPw';

/** `mogo serve` as a process (built by npm test), its whole output captured. */
function serve(env: Record<string, string>) {
  const r = spawnSync(process.execPath, [path.join('dist', 'cli', 'main.js'), 'serve'], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      RULES_DIR: path.join(REPO_ROOT, 'rules'),
      DATA_DIR: mkdtempSync(path.join(tmpdir(), 'mogo-secrets-')),
      PORT: '0',
      ...env,
    },
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
}

/** Issue 9, item 4: start-up errors say what is wrong, never the secret. */
describe('secrets are never printed at start-up', () => {
  it.each([
    ['DATABASE_URL', `mysql://mogo:${SECRET}@db.internal/mogo`, 'mysql://mogo:***@db.internal/mogo'],
    ['REDIS_URL', `http://:${SECRET}@cache:6379`, 'http://:***@cache:6379'],
    ['SLACK_BOT_TOKEN', `xoxp-${SECRET}`, 'must be a bot token'],
    ['ALERTMANAGER_TOKEN', SECRET, 'at least 16 characters'],
  ])('a bad %s', (variable, value, says) => {
    const { status, output } = serve({ [variable]: value, ALLOW_UNAUTHENTICATED_WEBHOOK: 'true' });
    expect(status).toBe(1);
    expect(output).toContain(variable);
    expect(output).toContain(says);
    expect(output).not.toContain(SECRET);
  });

  it('a database that cannot be reached', () => {
    const { status, output } = serve({ DATABASE_URL: `postgres://mogo:${SECRET}@127.0.0.1:1/mogo` });
    expect(status).toBe(1);
    expect(output).toContain('database unavailable');
    expect(output).not.toContain(SECRET);
  });
});
