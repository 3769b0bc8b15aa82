/**
 * Slack signs a request, not a use of it: the same signed body and headers stay valid for the whole 5-minute
 * timestamp window, so a captured click could be sent again and run again. mogo remembers every signed request
 * it accepted for that window and refuses a second one. With several replicas the memory must be shared
 * (Redis), or a replay sent to another replica would pass.
 */
export interface SeenRequests {
  /**
   * Records `key` for `ttlMs` and answers true if it was new; false if it was already recorded and has not
   * expired. Atomic: of two concurrent calls with one key, exactly one gets true.
   */
  firstSeen(key: string, ttlMs: number): Promise<boolean>;
}
