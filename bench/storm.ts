import { execFileSync } from 'node:child_process';
import { type ReplicasSpec, runReplicas } from './storm-replicas';
import { machineNote, store } from './storm-report';
import { runStorm, type StormSpec } from './storm-scenario';

/**
 * `npm run bench:storm [-- --scenario 20x500|200x50|replicas] [--quick]`: the alert-storm benchmark of issue 8.
 * A benchmark, not a test: it asserts nothing and writes its figures to bench/RESULTS.md.
 */
const STORMS: Record<string, { full: StormSpec; quick: StormSpec }> = {
  '20x500': {
    full: { name: '20x500', groups: 20, perGroup: 500, spreadS: 60, settleS: 150, resolveS: 60 },
    quick: { name: '20x500', groups: 20, perGroup: 50, spreadS: 20, settleS: 40, resolveS: 30 },
  },
  '200x50': {
    full: { name: '200x50', groups: 200, perGroup: 50, spreadS: 60, settleS: 150, resolveS: 60 },
    quick: { name: '200x50', groups: 50, perGroup: 10, spreadS: 20, settleS: 40, resolveS: 30 },
  },
};
const REPLICAS: { full: ReplicasSpec; quick: ReplicasSpec } = {
  full: { groups: 60, perGroup: 10, killAfterS: 3, restartAfterS: 5, watchS: 120 },
  quick: { groups: 20, perGroup: 5, killAfterS: 2, restartAfterS: 3, watchS: 40 },
};
const ALL = [...Object.keys(STORMS), 'replicas'];

function parseArgs(argv: string[]): { scenarios: string[]; quick: boolean } {
  const scenarios: string[] = [];
  let quick = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--quick') quick = true;
    else if (a === '--scenario') scenarios.push(...(argv[++i] ?? '').split(','));
    else if (a.startsWith('--scenario=')) scenarios.push(...a.slice('--scenario='.length).split(','));
    else throw new Error(`unknown argument ${a}; use --scenario ${ALL.join('|')} and/or --quick`);
  }
  for (const s of scenarios)
    if (!ALL.includes(s)) throw new Error(`unknown scenario ${s}; one of ${ALL.join(', ')}`);
  return { scenarios: scenarios.length > 0 ? scenarios : ALL, quick };
}

export async function main(argv: string[]): Promise<number> {
  const { scenarios, quick } = parseArgs(argv);
  const mode = quick ? 'quick' : 'full';
  const log = (line: string) => console.log(line);
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  const meta = () => ({
    at: new Date().toISOString().slice(0, 16).replace('T', ' '),
    machine: machineNote(),
    commit,
  });
  for (const name of scenarios) {
    log(`scenario ${name} (${mode})`);
    if (name === 'replicas') {
      const result = await runReplicas(REPLICAS[mode], log);
      console.log(JSON.stringify(result));
      store({ kind: 'replicas', key: `replicas:${mode}`, ...meta(), result });
    } else {
      const result = await runStorm(STORMS[name]![mode], log);
      console.log(JSON.stringify(result));
      store({ kind: 'storm', key: `${name}:${mode}`, ...meta(), result });
    }
  }
  log('bench/RESULTS.md updated (section "Alert storm (issue 8)")');
  return 0;
}
