/** Alertmanager's view of one alert, normalised: endsAt is null while it has no end ("0001-01-01..."). */
export type AlertStatus = 'firing' | 'resolved';

export interface Alert {
  fingerprint: string;
  status: AlertStatus;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string | null;
  generatorURL: string;
  /**
   * How often this fingerprint fired again with a later startsAt (it resolved in between): counted by mogo,
   * not sent by Alertmanager; feeds the rules' flapping boost. Absent means never.
   */
  refires?: number;
  /** When mogo learned the alert resolved (mogo's clock): resolved alerts leave the stored state a while after. */
  resolvedAt?: string;
}

export type Priority = 'P1' | 'P2' | 'P3' | 'P4';
export const PRIORITIES: readonly Priority[] = ['P1', 'P2', 'P3', 'P4'];

/** Lower index = more urgent. */
export function priorityRank(p: Priority): number {
  return PRIORITIES.indexOf(p);
}

/** What the rules decided for one alert (or for a group: its most pressing firing alert). */
export interface Routing {
  priority: Priority;
  score: number;
  channel: string;
  /** Slack mention strings, e.g. "<@U123>" or "<!subteam^S123>"; empty when nobody is pinged. */
  mentions: string[];
  /** false: recorded and shown in digests only, no message posted. */
  notify: boolean;
  /** false: never folded into a channel's storm roll-up (a rule's `rollup: never`); P1s never are. */
  rollup?: boolean;
  /**
   * Rules that applied, in evaluation order, with the weight each added (its own weight plus its boost, when
   * the boost held); `boost` and `multiply` are present only when the rule has them and they took effect.
   */
  matched: { rule: string; weight: number; boost?: number; multiply?: number }[];
  /**
   * The rollback target (a name declared under `targets:` in rules/) attached by a rule or by the alert's
   * `rollback_target` label or annotation; absent or null: no Rollback button.
   */
  rollbackTarget?: string | null;
  /** The team the alert is routed to: the first applied rule's `team`, else its `team` label; absent: none. */
  team?: string;
  /**
   * Why, briefly and in order: label weights, rules (with boosts, multipliers, windows), the score and the
   * priority, maintenance, the rollback target. Stable while the outcome is: no clock readings in it.
   */
  explain?: string[];
}

/** One Alertmanager webhook notification after validation (see ingest/schema.ts). */
export interface Notification {
  receiver: string;
  status: AlertStatus;
  alerts: Alert[];
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  groupKey: string;
  truncatedAlerts: number;
  /**
   * Where intake replaced characters PostgreSQL or Slack cannot take (NUL, lone surrogates, control
   * characters) with U+FFFD: the first paths and how many in all. Absent when nothing was replaced.
   */
  sanitized?: { paths: string[]; count: number };
}
