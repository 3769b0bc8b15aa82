/** A label matcher as Alertmanager's API takes it (`isEqual: false` is `!=` / `!~`). */
export interface SilenceMatcher {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual: boolean;
}

export interface NewSilence {
  matchers: SilenceMatcher[];
  startsAt: Date;
  endsAt: Date;
  /** Who asked, as people read it in Alertmanager's UI: "alice (U0123ABCD) via mogo". */
  createdBy: string;
  comment: string;
}

/** A silence as Alertmanager knows it now. `expired` includes one removed ("expired") in its UI. */
export interface SilenceInfo {
  id: string;
  state: 'active' | 'pending' | 'expired';
  startsAt: Date;
  endsAt: Date;
  createdBy: string;
  comment: string;
  matchers: SilenceMatcher[];
}

/** One alert as Alertmanager holds it: `suppressed` means silenced or inhibited (`silencedBy` names silences). */
export interface ManagedAlert {
  fingerprint: string;
  labels: Record<string, string>;
  state: 'active' | 'suppressed' | 'unprocessed';
  silencedBy: string[];
  endsAt: Date;
}

/**
 * Alertmanager's silence API, only what mogo uses. Failures are AppErrors: ALERTMANAGER_UNAVAILABLE (unreachable,
 * 5xx, timeout; retryable), ALERTMANAGER_REJECTED (400/422: a bad silence, with Alertmanager's own words),
 * ALERTMANAGER_UNAUTHORIZED (401/403: mogo's credentials).
 */
export interface Silences {
  /** POST /api/v2/silences; resolves with Alertmanager's silence id. */
  create(silence: NewSilence): Promise<{ id: string }>;
  /** DELETE /api/v2/silence/{id}. 'gone': Alertmanager no longer has it, or it had already expired. */
  expire(id: string): Promise<'expired' | 'gone'>;
  /** GET /api/v2/silence/{id}; null when Alertmanager does not know it (garbage-collected, other cluster). */
  get(id: string): Promise<SilenceInfo | null>;
  /** GET /api/v2/alerts filtered by matchers (silenced and inhibited alerts included). */
  alerts(matchers: SilenceMatcher[]): Promise<ManagedAlert[]>;
}
