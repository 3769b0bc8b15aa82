import type { AlertGroup } from '../domain/group';
import { type ErrorCode, isAppError } from '../errors';
import type { Logger } from '../logger';
import type {
  AlertStore,
  AuditEntry,
  Clock,
  Directory,
  RulesProvider,
  SilenceMatcher,
  SilenceRecord,
  SilenceStore,
  Silences,
} from '../ports';
import { checkConsoleAccess, type Denial } from '../rollback/access';
import { formatDuration, parseDuration } from '../rules/time';

export interface SilenceDeps {
  alerts: Pick<AlertStore, 'getGroup'>;
  /** Alertmanager's silence API. */
  silences: Silences;
  /** mogo's record of its silences. */
  records: SilenceStore;
  /** Roles come from the rules in force; a `silence` permission in any role makes silencing role-bound. */
  rules: RulesProvider;
  directory: Directory;
  clock: Clock;
  logger: Logger;
}

export interface SlackUser {
  id: string;
  name: string;
}

/** What silencing asked for; without `fingerprint` the whole group (its common labels) is silenced. */
export interface SilenceRequest {
  groupId: string;
  user: SlackUser;
  /** `90m`, `2h`, `1d`, `1h30m`. */
  duration: string;
  comment: string;
  fingerprint?: string | null;
}

/** Alertmanager said no or could not be asked: its words go to the user; nothing was recorded. */
export type AlertmanagerFailure = { kind: 'alertmanager_failed'; code: ErrorCode; message: string };

export type SilenceOutcome =
  | { kind: 'silenced'; record: SilenceRecord; group: AlertGroup }
  | { kind: 'group_gone' }
  | { kind: 'alert_gone' }
  | ({ kind: 'bad_duration' } & DurationProblem)
  | { kind: 'no_matchers' }
  | { kind: 'denied'; denial: Denial }
  | AlertmanagerFailure;

export type UnsilenceOutcome =
  | { kind: 'unsilenced'; records: SilenceRecord[] }
  | { kind: 'not_silenced' }
  | { kind: 'denied'; denial: Denial }
  | AlertmanagerFailure;

export const MIN_SILENCE_MS = 60_000;
export const MAX_SILENCE_MS = 30 * 86_400_000;
const DEFAULT_COMMENT = 'Silenced from Slack';

/** Why a typed duration is refused (MIN_SILENCE_MS to MAX_SILENCE_MS); slack/ words it. */
export type DurationProblem =
  | { problem: 'not_a_duration'; text: string }
  | { problem: 'too_short' }
  | { problem: 'too_long' };

/** A duration typed by a person: Prometheus style, between a minute and 30 days. */
export function parseSilenceDuration(text: string): number | DurationProblem {
  const ms = parseDuration(text.trim().toLowerCase());
  if (typeof ms === 'string') return { problem: 'not_a_duration', text };
  if (ms < MIN_SILENCE_MS) return { problem: 'too_short' };
  if (ms > MAX_SILENCE_MS) return { problem: 'too_long' };
  return ms;
}

/** The labels every firing alert of the group shares (all its alerts when none fires): the group's silence. */
export function groupMatchers(group: AlertGroup): SilenceMatcher[] {
  const firing = group.alerts.filter((a) => a.status === 'firing');
  const alerts = firing.length > 0 ? firing : group.alerts;
  const common: Record<string, string> = { ...group.groupLabels, ...group.commonLabels };
  for (const [k, v] of Object.entries(common)) if (alerts.some((a) => a.labels[k] !== v)) delete common[k];
  return toMatchers(common);
}

export function toMatchers(labels: Record<string, string>): SilenceMatcher[] {
  return Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => ({ name, value, isRegex: false, isEqual: true }));
}

/**
 * Silences a group (or one of its alerts) in Alertmanager, then records it with an `alert.silenced` audit row
 * and a re-render of the message. Nothing half-done: when Alertmanager refuses, nothing is recorded; when
 * recording fails after Alertmanager created the silence, the silence is expired again.
 */
export async function silenceGroup(deps: SilenceDeps, req: SilenceRequest): Promise<SilenceOutcome> {
  const ms = parseSilenceDuration(req.duration);
  if (typeof ms !== 'number') return { kind: 'bad_duration', ...ms };
  const access = await checkConsoleAccess(deps.directory, deps.rules.current().roles, req.user.id, 'silence');
  if (!access.allowed) return { kind: 'denied', denial: access.denial };
  const group = await deps.alerts.getGroup(req.groupId);
  if (!group) return { kind: 'group_gone' };
  const alert = req.fingerprint ? group.alerts.find((a) => a.fingerprint === req.fingerprint) : undefined;
  if (req.fingerprint && !alert) return { kind: 'alert_gone' };
  const matchers = alert ? toMatchers(alert.labels) : groupMatchers(group);
  if (matchers.length === 0) return { kind: 'no_matchers' };

  const startsAt = deps.clock.now();
  const endsAt = new Date(startsAt.getTime() + ms);
  const comment = req.comment.trim() || DEFAULT_COMMENT;
  let id: string;
  try {
    ({ id } = await deps.silences.create({
      matchers,
      startsAt,
      endsAt,
      createdBy: `${req.user.name} (${req.user.id})`,
      comment,
    }));
  } catch (err) {
    return alertmanagerFailure(err);
  }
  const audit: AuditEntry = {
    actor: req.user.id,
    action: 'alert.silenced',
    subject: `group:${group.id}`,
    details: {
      silenceId: id,
      scope: alert ? 'alert' : 'group',
      ...(alert ? { fingerprint: alert.fingerprint } : {}),
      matchers: matchers.map((m) => `${m.name}=${m.value}`),
      duration: formatDuration(ms),
      endsAt: endsAt.toISOString(),
      comment,
    },
  };
  try {
    const record = await deps.records.record(
      {
        id,
        groupId: group.id,
        scope: alert ? 'alert' : 'group',
        fingerprint: alert?.fingerprint ?? null,
        matchers,
        createdBy: req.user.id,
        createdByName: req.user.name,
        comment,
        startsAt,
        endsAt,
      },
      [audit],
    );
    return { kind: 'silenced', record, group };
  } catch (err) {
    await deps.silences
      .expire(id)
      .catch((undo) =>
        deps.logger.error(
          { err: undo, silenceId: id },
          'a silence mogo could not record is still in Alertmanager; expire it there',
        ),
      );
    throw err;
  }
}

/**
 * Ends silences mogo made: one by its Alertmanager id, or every active one of a group. Alertmanager first; a
 * silence is recorded as ended (`alert.unsilenced`) only once Alertmanager has expired it (or no longer has it).
 */
export async function unsilence(
  deps: SilenceDeps,
  req: { user: SlackUser } & ({ silenceId: string } | { groupId: string }),
): Promise<UnsilenceOutcome> {
  const active =
    'silenceId' in req
      ? [await deps.records.get(req.silenceId)].filter((r) => r?.state === 'active')
      : await deps.records.activeForGroup(req.groupId);
  const targets = active.filter((r): r is SilenceRecord => r !== null);
  if (targets.length === 0) return { kind: 'not_silenced' };
  const access = await checkConsoleAccess(deps.directory, deps.rules.current().roles, req.user.id, 'silence');
  if (!access.allowed) return { kind: 'denied', denial: access.denial };
  const ended: SilenceRecord[] = [];
  for (const r of targets) {
    let answer: 'expired' | 'gone';
    try {
      answer = await deps.silences.expire(r.id);
    } catch (err) {
      if (ended.length > 0) deps.logger.warn({ err, silenceId: r.id }, 'unsilence stopped part way');
      return alertmanagerFailure(err);
    }
    const done = await deps.records.end(r.id, 'unsilenced', req.user.id, [
      {
        actor: req.user.id,
        action: 'alert.unsilenced',
        subject: `group:${r.groupId}`,
        details: { silenceId: r.id, scope: r.scope, reason: 'unsilenced', alertmanager: answer },
      },
    ]);
    if (done) ended.push(done);
  }
  return ended.length > 0 ? { kind: 'unsilenced', records: ended } : { kind: 'not_silenced' };
}

export function alertmanagerFailure(err: unknown): AlertmanagerFailure {
  if (isAppError(err) && err.code.startsWith('ALERTMANAGER_'))
    return { kind: 'alertmanager_failed', code: err.code, message: err.message };
  throw err;
}
