/**
 * The notification queue of one process. `post` returns at once (an action
 * never waits for Slack); each target has its own line, delivered one
 * request after the other so a receiver sees an incident's events in the
 * order they happened, with retries (delivery.ts). What finally fails is
 * recorded in the state directory's notify log (log.ts) and told through
 * `onFailure`. A one-shot command calls `flush` on its way out: it waits for
 * the queue a bounded time, then stops what is left and records it as not
 * delivered, so a cron job never hangs on a dead webhook.
 *
 * Targets are known per environment (`configure`): the dashboard switches
 * environments, and an event goes to the targets of the environment it is
 * about.
 */
import { VERSION } from '../cli/version.js';
import { oneLine } from '../text/sanitize.js';
import { redact } from '../text/redact.js';
import type { NotifyEvent } from './events.js';
import { DEFAULT_RETRY, deliver, type RetryPolicy } from './delivery.js';
import { recordFailure } from './log.js';
import { openIncidentOf } from './openIncident.js';
import type { NotifyTarget } from './targets.js';

type Env = Record<string, string | undefined>;

export interface DeliveryResult {
  target: string;
  ok: boolean;
  /** why not, one line naming the target, e.g. "notify[0] slack: HTTP 500" */
  error?: string;
}

export interface NotifierOptions {
  /** the state directory's variables (OPSDECK_STATE_DIR…), for the notify log and the open incident */
  env: Env;
  retry?: Partial<RetryPolicy>;
  fetch?: typeof fetch;
  /** a delivery that finally failed, as one line (already recorded in the log) */
  onFailure?: (line: string) => void;
}

/** How long a one-shot command waits for its notifications at exit, at most. */
export const FLUSH_MS = 5_000;

export class Notifier {
  private readonly targets = new Map<string, readonly NotifyTarget[]>();
  /** the tail of each target's line */
  private readonly lines = new Map<string, Promise<void>>();
  private readonly stopping = new AbortController();
  private readonly policy: RetryPolicy;
  private pending = 0;
  private idle: (() => void)[] = [];

  constructor(private readonly opts: NotifierOptions) {
    this.policy = { ...DEFAULT_RETRY, ...opts.retry };
  }

  /** The targets of one environment (the config's `notify:`); replaces what was known for it. */
  configure(environment: string, targets: readonly NotifyTarget[]): this {
    this.targets.set(environment, targets);
    return this;
  }

  /** The labels of the environment's targets, in the config's order. */
  labels(environment: string): string[] {
    return (this.targets.get(environment) ?? []).map((t) => t.label);
  }

  /** Whether any target is known for the environment. */
  has(environment: string): boolean {
    return (this.targets.get(environment)?.length ?? 0) > 0;
  }

  /**
   * Queues `event` for every target of its environment that takes it (or
   * only the labels in `only`); the promise, which never rejects, says how
   * each delivery ended. Callers that do not care ignore it.
   */
  post(event: NotifyEvent, only?: readonly string[]): Promise<DeliveryResult[]> {
    // read now, while the incident it happened in is still the open one
    const ready: Promise<NotifyEvent> = event.incident || event.event.startsWith('incident.') || event.event === 'test' ? Promise.resolve(event) : withIncident(event, this.opts.env);
    return this.queue(event.environment, ready, only);
  }

  /**
   * Takes the event's place in the queue now and builds it after the caller
   * returned (a key handler must not read the disk): what is posted after it
   * is still delivered after it. A build that throws sends nothing.
   */
  postLater(environment: string, build: () => NotifyEvent): void {
    const ready = new Promise<NotifyEvent | undefined>((resolve) =>
      setImmediate(() => {
        try {
          resolve(build());
        } catch {
          resolve(undefined);
        }
      }),
    );
    void this.queue(environment, ready);
  }

  private queue(environment: string, ready: Promise<NotifyEvent | undefined>, only?: readonly string[]): Promise<DeliveryResult[]> {
    const targets = (this.targets.get(environment) ?? []).filter((t) => !only || only.includes(t.label));
    if (targets.length === 0 || this.stopping.signal.aborted) return Promise.resolve([]);
    return Promise.all(targets.map((t) => this.enqueue(t, ready)));
  }

  /** How many deliveries are queued or under way. */
  get queued(): number {
    return this.pending;
  }

  /**
   * Waits until the queue is empty or `maxMs` has passed; then stops what is
   * left (recorded as not delivered) and takes no more. Answers how many
   * deliveries were cut short.
   */
  async flush(maxMs = FLUSH_MS): Promise<number> {
    if (this.pending > 0) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([new Promise<void>((r) => this.idle.push(r)), new Promise<void>((r) => (timer = setTimeout(r, maxMs)))]);
      clearTimeout(timer);
    }
    const cut = this.pending;
    this.stopping.abort(new Error(`opsdeck was exiting (waited ${Math.round(maxMs / 100) / 10} s for notifications)`));
    // the stopped deliveries record themselves; that is quick
    if (this.pending > 0) await new Promise<void>((r) => this.idle.push(r));
    return cut;
  }

  private enqueue(target: NotifyTarget, ready: Promise<NotifyEvent | undefined>): Promise<DeliveryResult> {
    const key = target.label;
    this.pending++;
    const result = (this.lines.get(key) ?? Promise.resolve()).then(async () => {
      const event = await ready;
      return event ? this.send(target, event) : { target: target.label, ok: true };
    });
    this.lines.set(
      key,
      result.then(() => undefined),
    );
    return result.finally(() => {
      this.pending--;
      if (this.pending === 0) for (const r of this.idle.splice(0)) r();
    });
  }

  private async send(target: NotifyTarget, event: NotifyEvent): Promise<DeliveryResult> {
    let requests;
    try {
      requests = target.requests(event);
    } catch (err) {
      return this.failed(target, event, 0, `could not build the payload: ${err instanceof Error ? err.message : String(err)}`);
    }
    for (const req of requests) {
      const out = await deliver(req, { policy: this.policy, signal: this.stopping.signal, userAgent: `opsdeck/${VERSION}`, ...(this.opts.fetch ? { fetch: this.opts.fetch } : {}) });
      if (!out.ok) return this.failed(target, event, out.attempts, out.error);
    }
    return { target: target.label, ok: true };
  }

  private async failed(target: NotifyTarget, event: NotifyEvent, attempts: number, why: string): Promise<DeliveryResult> {
    const error = `${target.label}: ${oneLine(redact(why), 400)}`;
    try {
      await recordFailure({ at: new Date().toISOString(), environment: event.environment, target: target.label, event: event.event, attempts, error: oneLine(redact(why), 400) }, this.opts.env);
    } catch {
      // a full disk must not turn a lost notification into a crash; the line below still says it
    }
    try {
      this.opts.onFailure?.(`${error} (the ${event.event} notification was not delivered; see opsdeck notify status)`);
    } catch {
      // a bystander
    }
    return { target: target.label, ok: false, error };
  }
}

async function withIncident(event: NotifyEvent, env: Env): Promise<NotifyEvent> {
  const incident = await openIncidentOf(event.environment, env);
  return incident ? { ...event, incident } : event;
}
