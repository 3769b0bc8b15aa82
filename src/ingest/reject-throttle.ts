/**
 * Rejected webhooks are audited, but a misconfigured Alertmanager (or a scanner) can send thousands a minute.
 * One audit row per (remote address, reason) per window is enough to see it; the row carries how many were
 * suppressed since the previous one. Metrics still count every request.
 */
export interface RejectionThrottle {
  /** null: suppress this one; otherwise how many were suppressed before it for the same key. */
  admit(key: string): { suppressed: number } | null;
}

export function createRejectionThrottle(windowMs: number, now: () => number = Date.now): RejectionThrottle {
  const seen = new Map<string, { at: number; suppressed: number }>();
  return {
    admit(key) {
      const t = now();
      const entry = seen.get(key);
      if (entry && t - entry.at < windowMs) {
        entry.suppressed++;
        return null;
      }
      if (seen.size > 10_000) for (const [k, v] of seen) if (t - v.at >= windowMs) seen.delete(k);
      seen.set(key, { at: t, suppressed: 0 });
      return { suppressed: entry?.suppressed ?? 0 };
    },
  };
}
