import type { Report, ReportInput } from '../domain/report';

export interface ReportRequest {
  /** Slack user id, or "mogo" for a scheduled report. */
  requestedBy: string;
  /** Where the files go: a user id (their direct messages with mogo) or a channel id. */
  deliverTo: string;
  since: Date;
  until: Date;
  /** A scheduled report's key (channel and period): replicas ticking together queue it once. */
  dedupKey?: string;
}

export interface ReportJob extends ReportRequest {
  id: string;
  /** Takes so far, this one included. */
  attempts: number;
}

/**
 * Reports queued for building off the request path (PostgreSQL): one worker at a time holds a job under a
 * lease; a worker that dies leaves the job to be taken again when its lease ends.
 */
export interface ReportJobs {
  /** Queues a report; null when its dedupKey is queued already. */
  enqueue(request: ReportRequest, at: Date): Promise<{ id: string } | null>;
  /** Leases the oldest due job for `leaseMs`, or null when none is due. */
  take(leaseMs: number, at: Date): Promise<ReportJob | null>;
  complete(id: string, at: Date): Promise<void>;
  /** Gives the job back to be tried again in `retryInMs`, or (null) marks it failed for good. */
  fail(id: string, error: string, retryInMs: number | null, at: Date): Promise<void>;
}

/** The rows a report is built from: the groups first seen in the period and its audit rows. */
export interface ReportSource {
  fetch(since: Date, until: Date): Promise<ReportInput>;
}

/** Hands a finished report to the person or channel that asked for it (Slack: files in a direct message). */
export interface ReportDelivery {
  deliver(job: ReportJob, report: Report): Promise<void>;
}
