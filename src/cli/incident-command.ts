import { parseArgs } from 'node:util';
import { postmortemOf } from '../domain/postmortem';
import { firstTimes, incidentRecord } from '../incidents/incident/timeline';
import { renderPostmortemMarkdown } from '../slack/blocks/postmortem';
import type { Db } from '../store/db';
import { createSqlAlertStore } from '../store/sql-alert-store';
import { createSqlAuditLog } from '../store/sql-audit-log';
import { createSqlIncidentStore } from '../store/sql-incident-store';
import type { Output } from './rules-test';

export const INCIDENT_USAGE = `  incident export <n> [--format md|json]
                        print incident n's postmortem draft (Markdown, default) or everything it is written
                        from (JSON: the incident, linked alerts, timeline, follow-ups, durations)
`;

/** `mogo incident export <n>`: 0 printed, 1 no such incident, 2 bad usage. */
export async function incidentExport(db: Db, args: string[], io: Output): Promise<number> {
  let number: number;
  let format: 'md' | 'json';
  try {
    const { values, positionals } = parseArgs({
      args,
      options: { format: { type: 'string', default: 'md' } },
      allowPositionals: true,
      strict: true,
    });
    const [n, ...extra] = positionals;
    if (n === undefined || !/^#?\d{1,9}$/.test(n))
      throw new Error('give the incident number, e.g. `incident export 12`');
    if (extra.length > 0) throw new Error(`unexpected ${JSON.stringify(extra[0])}`);
    if (values.format !== 'md' && values.format !== 'json') throw new Error('--format must be md or json');
    number = Number(n.replace('#', ''));
    format = values.format;
  } catch (e) {
    io.err(`mogo incident export: ${(e as Error).message}\n`);
    return 2;
  }
  const incidents = createSqlIncidentStore(db);
  const incident = await incidents.getByNumber(number);
  if (!incident) {
    io.err(`mogo incident export: no incident ${number}\n`);
    return 1;
  }
  const audit = createSqlAuditLog(db, { onError: () => {} });
  try {
    const record = await incidentRecord({ incidents, alerts: createSqlAlertStore(db), audit }, incident);
    const pm = postmortemOf({ ...record, ...firstTimes(record) });
    io.out(format === 'md' ? renderPostmortemMarkdown(pm) : `${JSON.stringify(pm, null, 2)}\n`);
    return 0;
  } finally {
    await audit.close();
  }
}
