import { spawnSync } from 'node:child_process';
import { createMetrics } from './metrics';

/** The exposition of a metrics set with every state source answering, and a few samples recorded. */
async function exposition(sources: Parameters<typeof createMetrics>[0] = {}) {
  const m = createMetrics(sources);
  m.webhookRequests.inc({ status: '200', outcome: 'recorded' });
  m.slackHooks.call('chat.postMessage', 'ratelimited', 0.2);
  m.rollbackHooks.finished('argocd', 'succeeded', 12);
  return m.registry.metrics();
}

const allSources = {
  version: '1.2.3',
  sources: {
    outbox: async () => [
      { priority: 'P1', jobs: 2, oldestAgeSeconds: 4.5 },
      { priority: 'P3', jobs: 7, oldestAgeSeconds: 30 },
    ],
    openGroups: async () => [{ priority: 'P2', groups: 3 }],
    auditBuffered: () => 17,
    pingDatabase: async () => undefined,
    pingRedis: async () => {
      throw new Error('ECONNREFUSED');
    },
  },
};

/** promtool's own naming rules, for machines without promtool: HELP and TYPE, counters _total, gauges not. */
function namingProblems(text: string): string[] {
  const problems: string[] = [];
  const types = new Map<string, string>();
  const helps = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (m?.[1] === 'TYPE') types.set(m[2]!, m[3]!);
    if (m?.[1] === 'HELP') helps.add(m[2]!);
  }
  for (const [name, type] of types) {
    if (!helps.has(name)) problems.push(`${name}: no HELP`);
    if (type === 'counter' && !name.endsWith('_total')) problems.push(`${name}: counter without _total`);
    if (type !== 'counter' && name.endsWith('_total')) problems.push(`${name}: ${type} named _total`);
    if (/_(ms|milliseconds|bytes_total_bytes)$/.test(name))
      problems.push(`${name}: use base units (seconds, bytes)`);
  }
  return problems;
}

describe('/metrics exposition', () => {
  it('follows Prometheus naming: HELP and TYPE everywhere, _total only on counters', async () => {
    expect(namingProblems(await exposition(allSources))).toEqual([]);
  });

  it('passes `promtool check metrics` (run when promtool is installed; required under CI=true)', async () => {
    const probe = spawnSync('promtool', ['--version'], { stdio: 'ignore' });
    if (probe.error) {
      if (process.env.CI === 'true')
        throw new Error('promtool not found (CI=true): apt-get install prometheus');
      console.warn('promtool not installed: skipping `promtool check metrics`');
      return;
    }
    const check = spawnSync('promtool', ['check', 'metrics'], {
      input: await exposition(allSources),
      encoding: 'utf8',
    });
    expect(`${check.stdout}${check.stderr}`).toBe('');
    expect(check.status).toBe(0);
  });

  it('keeps the standard names of the default process metrics', async () => {
    const text = await exposition();
    expect(text).toMatch(/^process_cpu_seconds_total \d/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
    expect(text).not.toMatch(/mogo_process_/);
  });

  it('reads state at scrape time: build info, outbox, open groups, audit buffer, database and Redis', async () => {
    const text = await exposition(allSources);
    expect(text).toContain(`mogo_build_info{version="1.2.3",node="${process.version}"} 1`);
    expect(text).toContain('mogo_outbox_jobs{priority="P3"} 7');
    expect(text).toContain('mogo_outbox_oldest_job_age_seconds{priority="P1"} 4.5');
    expect(text).toContain('mogo_alert_groups_open{priority="P2"} 3');
    expect(text).toContain('mogo_audit_buffered_entries 17');
    expect(text).toContain('mogo_database_up 1');
    expect(text).toContain('mogo_redis_up 0');
    expect(text).toContain('mogo_slack_api_calls_total{method="chat.postMessage",outcome="ratelimited"} 1');
  });

  it('still answers when a source fails, and has no Redis gauge without Redis', async () => {
    const text = await exposition({
      sources: {
        outbox: async () => {
          throw new Error('database down');
        },
        pingDatabase: async () => {
          throw new Error('database down');
        },
      },
    });
    expect(text).toContain('mogo_database_up 0');
    expect(text).not.toMatch(/^mogo_outbox_jobs\{/m);
    expect(text).not.toContain('mogo_redis_up');
  });
});
