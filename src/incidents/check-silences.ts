import type { Alert } from '../domain/alert';
import type { AlertGroup } from '../domain/group';
import { silenceCovers } from '../domain/silence-match';
import { isAppError } from '../errors';
import type { Logger } from '../logger';
import type { AlertStore, Clock, SilenceRecord, SilenceStore, Silences } from '../ports';

export interface CheckSilencesDeps {
  alerts: Pick<AlertStore, 'getGroup' | 'mutateGroup'>;
  silences: Silences;
  records: SilenceStore;
  clock: Clock;
  logger: Logger;
}

export interface CheckResult {
  checked: number;
  /** Silences found expired or removed in Alertmanager. */
  ended: number;
  /** Alerts found resolved while silenced (Alertmanager sends no notification for those). */
  resolved: number;
}

/**
 * One round of keeping silenced messages true. Alertmanager notifies nothing while alerts are silenced, not
 * even their resolution, so for each active silence mogo made: is it still there (or did it run out, or was it
 * expired in Alertmanager's UI)? Which of its alerts does Alertmanager still hold? Changes go through the
 * stores, which queue the message's re-render. An unreachable Alertmanager ends the round; the next one retries.
 */
export async function checkSilences(deps: CheckSilencesDeps, batch = 20): Promise<CheckResult> {
  const result: CheckResult = { checked: 0, ended: 0, resolved: 0 };
  for (const record of await deps.records.takeDueForCheck(batch)) {
    try {
      result.checked++;
      const info = await deps.silences.get(record.id);
      if (info === null || info.state === 'expired') {
        if (await endInMogo(deps, record, info === null)) result.ended++;
        continue;
      }
      result.resolved += await resolveGoneAlerts(deps, record);
    } catch (err) {
      if (isAppError(err) && err.code === 'ALERTMANAGER_UNAVAILABLE') {
        deps.logger.warn({ err: err.message }, 'silence check: Alertmanager unavailable; next round retries');
        break;
      }
      deps.logger.error({ err, silenceId: record.id }, 'silence check failed');
    }
  }
  return result;
}

async function endInMogo(deps: CheckSilencesDeps, record: SilenceRecord, unknown: boolean): Promise<boolean> {
  const ranOut = deps.clock.now().getTime() >= record.endsAt.getTime();
  const end = ranOut ? 'expired' : 'removed';
  const ended = await deps.records.end(record.id, end, null, [
    {
      actor: 'alertmanager',
      action: 'alert.unsilenced',
      subject: `group:${record.groupId}`,
      details: {
        silenceId: record.id,
        scope: record.scope,
        reason: end,
        ...(unknown ? { alertmanager: 'unknown silence' } : {}),
      },
    },
  ]);
  return ended !== null;
}

function covers(record: SilenceRecord, a: Alert): boolean {
  return record.scope === 'alert'
    ? a.fingerprint === record.fingerprint
    : silenceCovers(record.matchers, a.labels);
}

/** Firing alerts under the silence that Alertmanager no longer holds have resolved: say so in the group. */
async function resolveGoneAlerts(deps: CheckSilencesDeps, record: SilenceRecord): Promise<number> {
  const held = new Set((await deps.silences.alerts(record.matchers)).map((a) => a.fingerprint));
  const group = await deps.alerts.getGroup(record.groupId);
  if (!group) return 0;
  const gone = (g: AlertGroup) =>
    g.alerts
      .filter((a) => a.status === 'firing' && covers(record, a))
      .filter((a) => !held.has(a.fingerprint))
      .map((a) => a.fingerprint);
  if (gone(group).length === 0) return 0;
  let count = 0;
  await deps.alerts.mutateGroup(group.groupKey, (current) => {
    if (!current) return null;
    const fps = new Set(gone(current));
    if (fps.size === 0) return null;
    count = fps.size;
    const at = deps.clock.now().toISOString();
    const alerts = current.alerts.map((a) =>
      fps.has(a.fingerprint) ? { ...a, status: 'resolved' as const, endsAt: at, resolvedAt: at } : a,
    );
    const status = alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved';
    return {
      next: { ...current, alerts, status, updatedAt: at },
      audit: [
        {
          actor: 'alertmanager',
          action: 'alert.resolved_silenced',
          subject: `group:${current.id}`,
          details: { silenceId: record.id, fingerprints: [...fps], status },
        },
      ],
    };
  });
  return count;
}
