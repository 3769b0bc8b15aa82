import type { App } from '@slack/bolt';
import { checkSilences } from '../incidents/check-silences';
import type { IncidentService } from '../incidents/incident-service';
import type { RollbackDeps } from '../incidents/rollback/deps';
import type { RollbackRunner } from '../incidents/rollback/runner';
import type { SilenceDeps } from '../incidents/silence';
import { createSilencePoller, type SilencePoller } from '../jobs/silence-poll';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type {
  AlertStore,
  AuditLog,
  Chat,
  Clock,
  Directory,
  Leases,
  ReadCache,
  RulesProvider,
  SilenceStore,
  Silences,
} from '../ports';
import { registerSilenceActions } from './actions/silence-actions';
import { registerIncidentCommand } from './commands/incident';
import type { CommandDeps } from './commands/registry';

/** What the incident console needs beyond the app's own dependencies (built in main.ts). */
export interface ConsoleOptions {
  /** Where `/incident` reads open groups from: Redis (shared by replicas) or in-process, as openStorage chose. */
  cache: ReadCache;
  /** Real Alertmanager silences (ALERTMANAGER_URL); absent: the Silence button links to Alertmanager. */
  silencing?: {
    api: Silences;
    records: SilenceStore;
    leases: Leases;
    pollMs: number;
    /** This replica's name for the poller's lease (tests). */
    holder?: string;
  };
}

export interface ConsoleDeps {
  alerts: AlertStore;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
  rules: RulesProvider;
  chat: Chat;
  directory: Directory;
  metrics: Metrics;
  rollback: RollbackDeps;
  runner: RollbackRunner;
  onChanged: () => void;
  /** `/incident report` queues here (slack/oncall-features.ts). */
  reports?: CommandDeps['reports'];
  /** Incidents (issue 13): declare, roles, status, notes; its subcommands need it. */
  incidents?: IncidentService;
}

export interface IncidentConsole {
  /** One poll of mogo's silences now, as the schedule would (tests); undefined without real silences. */
  poller: SilencePoller | undefined;
  start(): void;
  stop(): Promise<void>;
}

/** Wires `/incident` and the Silence / Unsilence buttons, and the silence poller when silences are real. */
export function createIncidentConsole(
  bolt: App | undefined,
  deps: ConsoleDeps,
  opts: ConsoleOptions,
): IncidentConsole {
  const { cache } = opts;
  const s = opts.silencing;
  const silence: SilenceDeps | undefined = s && {
    alerts: deps.alerts,
    silences: s.api,
    records: s.records,
    rules: deps.rules,
    directory: deps.directory,
    clock: deps.clock,
    logger: deps.logger,
  };
  const poller =
    s &&
    createSilencePoller({
      leases: s.leases,
      countActive: () => s.records.countActive(),
      check: () =>
        checkSilences({
          alerts: deps.alerts,
          silences: s.api,
          records: s.records,
          clock: deps.clock,
          logger: deps.logger,
        }),
      intervalMs: s.pollMs,
      logger: deps.logger,
      onChanged: deps.onChanged,
      ...(s.holder ? { holder: s.holder } : {}),
    });

  if (bolt) {
    registerIncidentCommand(bolt, {
      alerts: deps.alerts,
      audit: deps.audit,
      clock: deps.clock,
      logger: deps.logger,
      cache,
      rules: deps.rules,
      directory: deps.directory,
      chat: deps.chat,
      onChanged: deps.onChanged,
      rollback: { deps: deps.rollback, runner: deps.runner },
      onInvoked: (verb) => deps.metrics.interactions.inc({ action: `/incident ${verb}` }),
      ...(deps.incidents ? { incidents: deps.incidents } : {}),
      ...(silence ? { silence } : {}),
      ...(deps.reports ? { reports: deps.reports } : {}),
    });
    if (silence)
      registerSilenceActions(bolt, {
        silence,
        alerts: deps.alerts,
        chat: deps.chat,
        metrics: deps.metrics,
        onChanged: deps.onChanged,
      });
  }
  return {
    poller,
    start: () => poller?.start(),
    stop: async () => poller?.stop(),
  };
}
