/**
 * One environment's shared incident as a dashboard follows it: the open
 * incident and its events, held in memory and kept current by notifications
 * (listen.ts; polling while LISTEN is down), so the screen reads only this
 * state, never the store. Writes are queued in order and never awaited by a
 * key handler; a failure is kept as `problem` for the header.
 */
import { hostname } from 'node:os';
import { Observable } from '../engine/observable.js';
import type { TimelineEntry } from '../incident/types.js';
import { errorMessage } from '../text/sanitize.js';
import { INCIDENT_CHANNEL, TeamIncidents, type TeamEvent, type TeamIncidentRow } from './incidents.js';
import { TeamListener } from './listen.js';
import { TeamPresence } from './presence.js';
import { openTeamStore, type TeamStore } from './store.js';

export interface LiveIncidentState {
  incident?: TeamIncidentRow;
  /** the open incident's events, oldest first */
  events: TeamEvent[];
  /** the last read or write that failed, as one line */
  problem?: string;
}

export class LiveTeamIncident {
  readonly state = new Observable<LiveIncidentState>({ events: [] });
  readonly listener: TeamListener;
  private writes: Promise<unknown> = Promise.resolve();
  private reading: Promise<void> | undefined;
  private again = false;

  constructor(
    readonly incidents: TeamIncidents,
    readonly env: string,
    url: string,
    opts: { pollMs?: number; reconnectMs?: number } = {},
  ) {
    this.listener = new TeamListener({
      url,
      channel: INCIDENT_CHANNEL,
      onMessage: (payload) => {
        if (payload.slice(0, payload.lastIndexOf(' ')) === env) void this.sync();
      },
      resync: () => void this.sync(),
      ...opts,
    });
  }

  start(): void {
    this.listener.start();
  }

  async close(): Promise<void> {
    await this.writes;
    await this.listener.close();
    await this.reading;
  }

  /** Reads what changed since the last read; a call during a read runs once more after it. */
  sync(): Promise<void> {
    if (this.reading) {
      this.again = true;
      return this.reading;
    }
    this.reading = this.read().finally(() => {
      this.reading = undefined;
      if (this.again) {
        this.again = false;
        void this.sync();
      }
    });
    return this.reading;
  }

  /** Queues a write after the ones before it; resolves when it is done (the state is read again after). */
  write<T>(fn: (i: TeamIncidents) => Promise<T>): Promise<T> {
    const run = this.writes.then(() => fn(this.incidents));
    this.writes = run.then(
      () => this.sync(),
      (err: unknown) => this.failed(err),
    );
    return run;
  }

  /** Adds an entry to the open incident, in the background. */
  append(entry: TimelineEntry): void {
    void this.write((i) => i.append(this.env, entry)).catch(() => undefined);
  }

  private async read(): Promise<void> {
    try {
      const open = await this.incidents.openIncident(this.env);
      const before = this.state.get();
      if (!open) {
        if (before.incident || before.problem) this.state.set({ events: [] });
        return;
      }
      const same = before.incident?.id === open.id;
      const last = same ? (before.events[before.events.length - 1]?.id ?? 0) : 0;
      const fresh = await this.incidents.events(open.id, last);
      if (same && fresh.length === 0 && !before.problem) return;
      this.state.set({ incident: open, events: same ? [...before.events, ...fresh] : fresh });
    } catch (err) {
      this.failed(err);
    }
  }

  private failed(err: unknown): void {
    this.state.update((s) => ({ ...s, problem: `team incident: ${errorMessage(err)}` }));
  }
}

/** What a dashboard opens on an environment with a team store: its own pool, the live incident and presence. */
export interface TeamDashboardSession {
  store: TeamStore;
  live: LiveTeamIncident;
  presence: TeamPresence;
  close(): Promise<void>;
}

export function openTeamDashboardSession(o: {
  url: string;
  env: string;
  /** "user@host" */
  by: string;
  awsIdentity: () => string;
  pollMs?: number;
  presenceTtlMs?: number;
  presenceBeatMs?: number;
  host?: string;
  pid?: number;
}): TeamDashboardSession {
  const store = openTeamStore(o.url, { max: 2 });
  const incidents = new TeamIncidents(store, o.by);
  const live = new LiveTeamIncident(incidents, o.env, o.url, o.pollMs !== undefined ? { pollMs: o.pollMs } : {});
  const presence = new TeamPresence(store.pool, {
    env: o.env,
    operator: o.by,
    host: o.host ?? hostname(),
    pid: o.pid ?? process.pid,
    awsIdentity: o.awsIdentity,
    ...(o.presenceTtlMs !== undefined ? { ttlMs: o.presenceTtlMs } : {}),
    ...(o.presenceBeatMs !== undefined ? { beatMs: o.presenceBeatMs } : {}),
  });
  live.start();
  // the presence row goes in after the schema is there (the incidents' first read migrates)
  void incidents.openIncident(o.env).then(
    () => presence.start(),
    () => presence.start(),
  );
  let closing: Promise<void> | undefined;
  return {
    store,
    live,
    presence,
    close: () =>
      (closing ??= (async () => {
        await Promise.all([live.close(), presence.close()]);
        await store.close();
      })()),
  };
}
