import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Gauge, type Registry } from 'prom-client';

/** Read when Prometheus scrapes, so the gauges are never stale; each may fail without failing the scrape. */
export interface StateSources {
  outbox?(): Promise<{ priority: string; jobs: number; oldestAgeSeconds: number }[]>;
  openGroups?(): Promise<{ priority: string; groups: number }[]>;
  /** Audit entries accepted but not yet written (they wait in memory while the database is unreachable). */
  auditBuffered?(): number;
  /** Resolves when the database answers. */
  pingDatabase?(): Promise<void>;
  /** Resolves when Redis answers; absent when REDIS_URL is not set. */
  pingRedis?(): Promise<void>;
}

export function registerStateGauges(registry: Registry, opts: { sources?: StateSources; version?: string }) {
  const s = opts.sources ?? {};
  const registers = [registry];
  new Gauge({
    name: 'mogo_build_info',
    help: 'Always 1; the labels say which mogo and which Node.js are running',
    labelNames: ['version', 'node'] as const,
    registers,
  }).set({ version: opts.version ?? packageVersion(), node: process.version }, 1);

  // one query per scrape for both outbox gauges: prom-client collects them concurrently, so they share it
  type OutboxRows = Awaited<ReturnType<NonNullable<StateSources['outbox']>>>;
  let inflight: Promise<OutboxRows | undefined> | undefined;
  const readOutbox = () => {
    inflight ??= (s.outbox?.() ?? Promise.resolve(undefined))
      .catch(() => undefined)
      .finally(() => {
        inflight = undefined;
      });
    return inflight;
  };
  new Gauge({
    name: 'mogo_outbox_jobs',
    help: 'Slack renders waiting in the outbox, by priority',
    labelNames: ['priority'] as const,
    registers,
    async collect() {
      const rows = await readOutbox();
      if (!rows) return;
      this.reset();
      for (const r of rows) this.set({ priority: r.priority }, r.jobs);
    },
  });
  new Gauge({
    name: 'mogo_outbox_oldest_job_age_seconds',
    help: 'How long the oldest job waiting in the outbox has waited, by priority',
    labelNames: ['priority'] as const,
    registers,
    async collect() {
      const rows = await readOutbox();
      if (!rows) return;
      this.reset();
      for (const r of rows) this.set({ priority: r.priority }, r.oldestAgeSeconds);
    },
  });
  new Gauge({
    name: 'mogo_alert_groups_open',
    help: 'Alert groups still firing, by priority',
    labelNames: ['priority'] as const,
    registers,
    async collect() {
      const rows = await s.openGroups?.().catch(() => undefined);
      if (!rows) return;
      this.reset();
      for (const r of rows) this.set({ priority: r.priority }, r.groups);
    },
  });
  new Gauge({
    name: 'mogo_audit_buffered_entries',
    help: 'Audit entries accepted but not yet written to the database',
    registers,
    collect() {
      if (s.auditBuffered) this.set(s.auditBuffered());
    },
  });
  const up = (name: string, help: string, ping: (() => Promise<void>) | undefined) =>
    ping &&
    new Gauge({
      name,
      help,
      registers,
      async collect() {
        if (ping)
          this.set(
            await ping().then(
              () => 1,
              () => 0,
            ),
          );
      },
    });
  up('mogo_database_up', '1 when the database answered a query during this scrape, else 0', s.pingDatabase);
  up(
    'mogo_redis_up',
    '1 when Redis answered PING during this scrape, else 0; absent without REDIS_URL',
    s.pingRedis,
  );
}

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
