import { PRIORITIES } from '../domain/alert';
import type { EscalationPolicy, RuleSet } from '../rules';
import { formatDuration } from '../rules/time';

/**
 * What `mogo rules check` found, like `amtool check-config` prints it: files, rules, priorities and where they
 * go, rollback targets and roles. One fact per line, so a diff of two outputs reads as a review.
 */
export function summariseRules(dir: string, rules: RuleSet): string {
  const d = rules.defaults;
  const t = d.thresholds;
  const list = (xs: readonly string[]) => (xs.length > 0 ? xs.join(', ') : 'none');
  const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
  const withChannel = rules.rules.filter((r) => r.channel !== undefined).length;
  const withTarget = rules.rules.filter((r) => r.rollbackTarget !== undefined).length;
  const channels = PRIORITIES.map((p) => `${p} ${d.channels[p] ?? d.channel}`);
  const digestOnly = PRIORITIES.filter((p) => !d.notify[p]);
  const lines = [
    `Checking ${dir}  SUCCESS`,
    'Found:',
    ` - ${count(rules.files.length, 'rule file')}: ${list(rules.files)}`,
    ` - ${count(rules.rules.length, 'rule')} (${withChannel} naming a channel, ${withTarget} naming a rollback target)`,
    ` - priorities by score: P1 >= ${t.P1}, P2 >= ${t.P2}, P3 >= ${t.P3}, P4 below; digest only: ${list(digestOnly)}`,
    ` - channels when no rule names one: ${channels.join(', ')}`,
    ` - ${count(rules.targets.length, 'rollback target')}: ${list(rules.targets.map((x) => `${x.name} (${x.backend})`))}`,
    ` - ${count(rules.roles.length, 'role')}: ${list(rules.roles.map((r) => r.name))}`,
    ` - ${count(rules.rotations.length, 'on-call rotation')}: ${list(rules.rotations.map((r) => `${r.team} (${count(r.members.length, 'member')}, ${r.label})`))}`,
    ` - escalation: ${list(PRIORITIES.flatMap((p) => (d.escalation[p] ? [`${p} ${describeEscalation(d.escalation[p])}`] : [])))}`,
    ` - ${count(rules.windows.length, 'named window')}, ${count(rules.maintenance.length, 'maintenance entry', 'maintenance entries')}`,
    ` - digest ${rules.digest.slice(0, 12)}`,
  ];
  return `${lines.join('\n')}\n`;
}

function describeEscalation(e: EscalationPolicy): string {
  const parts: string[] = [];
  if (e.afterMs !== undefined)
    parts.push(
      `every ${formatDuration(e.afterMs)} unacknowledged: ${e.chain.length > 0 ? e.chain.join(' → ') : 're-announce'}`,
    );
  if (e.remindAfterMs !== undefined) parts.push(`reminder ${formatDuration(e.remindAfterMs)} after ack`);
  return `(${parts.join('; ') || 'nothing'})`;
}
