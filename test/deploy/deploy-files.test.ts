import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { createMetrics } from '../../src/metrics';

const ROOT = join(__dirname, '../..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** promtool, or null (skipped locally with a warning; under CI=true .ci/run installs it, so missing fails). */
function promtool(): string | null {
  if (!spawnSync('promtool', ['--version'], { stdio: 'ignore' }).error) return 'promtool';
  if (process.env.CI === 'true') throw new Error('promtool not found (CI=true): apt-get install prometheus');
  console.warn('promtool not installed: skipping promtool checks');
  return null;
}

/** Every metric name mogo exports (histograms add _bucket, _sum, _count). */
async function exportedNames(): Promise<Set<string>> {
  const m = createMetrics({
    sources: {
      pingRedis: async () => undefined,
      pingDatabase: async () => undefined,
      auditBuffered: () => 0,
    },
  });
  const names = new Set<string>();
  for (const metric of await m.registry.getMetricsAsJSON()) {
    names.add(metric.name);
    if (String(metric.type) === 'histogram')
      for (const s of ['_bucket', '_sum', '_count']) names.add(metric.name + s);
  }
  return names;
}

describe('deploy files', () => {
  it('Kubernetes manifests validate against the Kubernetes schemas (kubernetes-models, offline)', () => {
    const run = spawnSync(process.execPath, [join(ROOT, 'scripts/check-manifests.mjs')], {
      encoding: 'utf8',
    });
    expect(run.stdout).toContain('mogo.yaml: Deployment/mogo: ok');
    expect(run.stdout).toContain('mogo.yaml: PodDisruptionBudget/mogo: ok');
    expect(run.status).toBe(0);
  });

  it('the Deployment refuses local mode, pins a version, runs under seccomp RuntimeDefault and spreads replicas', () => {
    const docs = parseAllDocuments(read('deploy/kubernetes/mogo.yaml')).map((d) => d.toJS());
    const deployment = docs.find((d) => d.kind === 'Deployment');
    const pod = deployment.spec.template.spec;
    const container = pod.containers[0];
    expect(container.env).toContainEqual({ name: 'MOGO_REQUIRE_DATABASE', value: 'true' });
    expect(container.image).toMatch(/:\d+\.\d+\.\d+(@sha256:[0-9a-f]{64})?$/);
    expect(pod.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    expect(pod.topologySpreadConstraints.length).toBeGreaterThan(0);
    expect(docs.some((d) => d.kind === 'PodDisruptionBudget')).toBe(true);
  });

  it('the image tag is the package version', () => {
    const version = JSON.parse(read('package.json')).version;
    expect(read('deploy/kubernetes/mogo.yaml')).toContain(`image: ghcr.io/example/mogo:${version}`);
  });

  it('the Prometheus alerting rules pass `promtool check rules` and use only metrics mogo exports', async () => {
    const names = await exportedNames();
    const rules = read('deploy/prometheus/mogo-rules.yml');
    for (const used of rules.match(/\bmogo_[a-z_]+/g) ?? [])
      expect([used, names.has(used)]).toEqual([used, true]);
    const bin = promtool();
    if (!bin) return;
    const check = spawnSync(bin, ['check', 'rules', join(ROOT, 'deploy/prometheus/mogo-rules.yml')], {
      encoding: 'utf8',
    });
    expect(check.stdout).toContain('SUCCESS');
    expect(check.status).toBe(0);
  });

  it('the Grafana dashboard queries only metrics mogo exports', async () => {
    const names = await exportedNames();
    const dashboard = JSON.parse(read('deploy/grafana/mogo.json'));
    const exprs: string[] = dashboard.panels.flatMap((p: { targets: { expr: string }[] }) =>
      p.targets.map((t) => t.expr),
    );
    expect(exprs.length).toBeGreaterThan(10);
    for (const expr of exprs) {
      for (const used of expr.match(/\b(mogo|process|nodejs)_[a-z0-9_]+/g) ?? [])
        expect([used, names.has(used)]).toEqual([used, true]);
    }
  });
});
