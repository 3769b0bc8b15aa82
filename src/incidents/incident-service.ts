import type { Incident } from '../domain/incident';
import { type Postmortem, postmortemOf } from '../domain/postmortem';
import type { IncidentDeps } from './incident/deps';
import { remindDue } from './incident/events';
import {
  createSetupWorker,
  DEFAULT_SETUP_OPTIONS,
  type SetupWorker,
  type SetupWorkerOptions,
} from './incident/setup-worker';
import { firstTimes, incidentRecord } from './incident/timeline';

export type { DeclareInput, DeclareOutcome } from './incident/declare';
export { declareIncident } from './incident/declare';
export type {
  IncidentDeps,
  IncidentRefusal,
  IncidentView,
  IncidentWords,
  SteerOutcome,
} from './incident/deps';
export { markMessage, memberJoined } from './incident/events';
export { addFollowUp, addNote, assignRole, renameIncident, setSeverity, setStatus } from './incident/steer';

export interface IncidentServiceOptions {
  setup?: Partial<SetupWorkerOptions>;
  /** How often open incidents are checked for a due update reminder (default 60 s); false: never (tests). */
  reminderEveryMs?: number | false;
}

/** Incidents as one unit for app.ts: the use cases' deps, the set-up worker and the reminder schedule. */
export interface IncidentService {
  deps: IncidentDeps;
  worker: SetupWorker;
  /** The incident a command in `channel` is about: the channel's own incident, else the number given. */
  find(channel: string, number?: number): Promise<Incident | null>;
  postmortem(incident: Incident): Promise<Postmortem>;
  remindNow(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
}

export function createIncidentService(
  base: Omit<IncidentDeps, 'kick'>,
  opts: IncidentServiceOptions = {},
): IncidentService {
  let worker: SetupWorker | undefined;
  const deps: IncidentDeps = { ...base, kick: () => worker?.kick() };
  worker = createSetupWorker(deps, { ...DEFAULT_SETUP_OPTIONS, ...opts.setup });
  const setup = worker;
  const log = deps.logger.child({ module: 'incidents' });
  let reminders: NodeJS.Timeout | undefined;
  const remindNow = () => remindDue(deps);
  return {
    deps,
    worker: setup,
    async find(channel, number) {
      if (number !== undefined) return deps.incidents.getByNumber(number);
      return deps.incidents.findByChannel(channel);
    },
    async postmortem(incident) {
      const record = await incidentRecord(deps, incident);
      return postmortemOf({ ...record, ...firstTimes(record) });
    },
    remindNow,
    start() {
      setup.start();
      const every = opts.reminderEveryMs ?? 60_000;
      if (every !== false) {
        reminders = setInterval(() => {
          remindNow().catch((err) => log.warn({ err }, 'update reminders failed; next round retries'));
        }, every);
        reminders.unref();
      }
    },
    async stop() {
      if (reminders) clearInterval(reminders);
      await setup.stop();
    },
  };
}
