/**
 * LISTEN on a channel of the team store, on a connection of its own (a pooled
 * one would be handed to a query and lose the subscription). A lost
 * connection (the server restarted, a network cut, pg_terminate_backend) is
 * noticed by the client's error or end, and then: `resync` every `pollMs`
 * while it is down, so that nothing waits on the reconnect, and a reconnect
 * with backoff; once listening again, one `resync` picks up what was missed.
 */
import pg from 'pg';

export interface ListenerOptions {
  url: string;
  channel: string;
  /** a notification's payload */
  onMessage(payload: string): void;
  /** read the state again: at (re)connect, and every pollMs while not listening */
  resync(): void;
  pollMs?: number;
  /** the first reconnect's wait; doubled up to 5 s */
  reconnectMs?: number;
}

const RECONNECT_MAX_MS = 5_000;

export class TeamListener {
  private client: pg.Client | undefined;
  private poll: ReturnType<typeof setInterval> | undefined;
  private retry: ReturnType<typeof setTimeout> | undefined;
  private waitMs: number;
  private closed = false;
  private pid: number | undefined;

  constructor(private readonly opts: ListenerOptions) {
    this.waitMs = opts.reconnectMs ?? 500;
    if (!/^[a-z_][a-z0-9_]*$/.test(opts.channel)) throw new Error(`not a channel name: ${opts.channel}`);
  }

  /** Listening now (not polling). */
  get listening(): boolean {
    return this.pid !== undefined;
  }

  /** The server process of the listening connection, while listening. */
  backendPid(): number | undefined {
    return this.pid;
  }

  start(): void {
    this.startPolling();
    void this.connect();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stopPolling();
    if (this.retry) clearTimeout(this.retry);
    const c = this.client;
    this.client = undefined;
    this.pid = undefined;
    await c?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    this.retry = undefined;
    if (this.closed) return;
    const c = new pg.Client({ connectionString: this.opts.url, application_name: 'opsdeck listen', connectionTimeoutMillis: 3_000, keepAlive: true });
    this.client = c;
    let lost = false;
    const down = () => {
      if (lost) return;
      lost = true;
      if (this.client === c) this.lost();
      void c.end().catch(() => undefined);
    };
    c.on('error', down);
    c.on('end', down);
    c.on('notification', (m) => {
      if (m.channel === this.opts.channel && m.payload !== undefined) this.opts.onMessage(m.payload);
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${this.opts.channel}`);
      const r = await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      if (lost || this.closed) return;
      this.pid = r.rows[0]?.pid;
      this.waitMs = this.opts.reconnectMs ?? 500;
      this.stopPolling();
      this.opts.resync();
    } catch {
      down();
    }
  }

  private lost(): void {
    this.pid = undefined;
    this.client = undefined;
    if (this.closed) return;
    this.startPolling();
    const wait = this.waitMs;
    this.waitMs = Math.min(this.waitMs * 2, RECONNECT_MAX_MS);
    this.retry = setTimeout(() => void this.connect(), wait);
    this.retry.unref?.();
  }

  private startPolling(): void {
    if (this.poll || this.closed) return;
    this.poll = setInterval(() => this.opts.resync(), this.opts.pollMs ?? 2_000);
    this.poll.unref?.();
  }

  private stopPolling(): void {
    if (this.poll) clearInterval(this.poll);
    this.poll = undefined;
  }
}
