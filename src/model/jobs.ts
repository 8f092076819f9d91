/**
 * A queue's failed / dead jobs as the job browser and `opsdeck queue jobs`
 * show them. Every text field here has already been through the sanitizer
 * and the redaction (src/actions/queues/jobText.ts makes these from what a
 * flavour's control read), so a view draws them as they are.
 */

/** One row of the dead-letter list. */
export interface JobRow {
  id: string;
  /** BullMQ's job name, RQ's call, Sidekiq's class; "?" when the library keeps none */
  name: string;
  /** epoch ms; null where the library keeps no failure time (a plain list) */
  failedAt: number | null;
  /** attempts made, as the library counts them; null where it keeps none */
  attempts: number | null;
  /** the first line of the failure reason, one line */
  reason: string;
  /** where the job sits when the library has more than one dead place (Sidekiq: retry or dead) */
  set?: string;
}

export interface JobList {
  redis: string;
  queue: string;
  flavor: string;
  /** every failed / dead job of the queue now; `jobs` holds the newest `limit` of them */
  total: number;
  jobs: JobRow[];
}

export interface JobDetail extends JobRow {
  /** the payload, pretty-printed when it is JSON, one entry per line, cut to a bound */
  payload: string[];
  /** the payload was longer than the bound (bytes it had) */
  payloadCut?: number;
  /** what the payload is in this library (BullMQ's data, RQ's call description, Sidekiq's args…) */
  payloadKind: string;
  /** the whole failure reason (may be several lines) */
  reasonLines: string[];
  /** the stack trace's lines, cut to a bound */
  stack: string[];
  /** lines of the stack left out */
  stackCut?: number;
  /** attempts allowed, when the library says */
  maxAttempts: number | null;
  /** named times in epoch ms, in the order they happened */
  times: Array<{ label: string; at: number }>;
}
