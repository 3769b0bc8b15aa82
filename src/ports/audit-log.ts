export interface AuditEntry {
  /** Who did it: "alertmanager", "mogo", or a Slack user id such as "U123ABC". */
  actor: string;
  /** noun.verb, e.g. "alert.received", "alert.acknowledged", "webhook.rejected". */
  action: string;
  /** What it was done to, e.g. "group:<id>", "webhook:alertmanager". */
  subject: string;
  details?: Record<string, unknown>;
}

export interface AuditRecord {
  id: string;
  occurredAt: Date;
  actor: string;
  action: string;
  subject: string;
  details: Record<string, unknown>;
}

export interface AuditQuery {
  action?: string;
  subject?: string;
  actor?: string;
  /** default 100, newest first */
  limit?: number;
}

/**
 * Append-only record of every action. append() returns at once and rows are written in batches (a short
 * interval or a full batch, whichever comes first); flush() waits until everything appended so far is
 * durable. The application never updates or deletes a row; the table refuses it too.
 */
export interface AuditLog {
  append(entry: AuditEntry): void;
  flush(): Promise<void>;
  list(query?: AuditQuery): Promise<AuditRecord[]>;
}
