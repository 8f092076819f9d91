/**
 * The PostgresAdmin port over the sandbox's database, so cancel and terminate
 * run the same plan, re-read, journal and verification in the demo as on a
 * real server. The demo's `primary` has an admin URL in its config; its role
 * has pg_signal_backend, and every session of the demo is an application's.
 */
import { createHash } from 'node:crypto';
import type { PgBackend, PostgresAdmin } from '../../actions/postgres/context.js';
import { noAdminLine } from '../../actions/postgres/context.js';
import type { Sandbox } from './index.js';
import type { SimBackend } from './postgres.js';

/** As to_char(… AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') writes it. */
const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '000Z');

function view(b: SimBackend, t: number, server: string): PgBackend {
  return {
    pid: b.pid,
    database: 'app',
    here: true,
    user: b.user,
    superuser: false,
    application: b.application,
    client: b.client,
    backendType: 'client backend',
    state: b.state,
    backendStart: iso(b.backendStart),
    xactStart: b.xactStart === null ? null : iso(b.xactStart),
    queryStart: iso(b.queryStart),
    queryMs: Math.max(0, t - b.queryStart),
    xactMs: b.xactStart === null ? null : Math.max(0, t - b.xactStart),
    waitEvent: b.waitEvent,
    query: b.query,
    queryHash: createHash('md5').update(b.query).digest('hex'),
    blockedBy: [...b.blockedBy],
    blocking: [],
    own: false,
    server,
  };
}

export function sandboxPostgresAdmin(sandbox: Sandbox): PostgresAdmin {
  const server = iso(sandbox.postgres.startedAt);
  const entries = sandbox.environment.postgres;
  const known = (database: string) => {
    const e = entries.find((p) => p.name === database);
    if (!e) throw new Error(`no postgres entry "${database}" in the sandbox`);
    return e;
  };
  const read = (pid: number, signal?: AbortSignal) => {
    const { backend, t } = sandbox.postgres.backend(pid, signal);
    return backend ? view(backend, t, server) : undefined;
  };
  return {
    databases: () => entries.map((p) => ({ name: p.name, admin: p.admin !== undefined })),
    async backend(database, pid, signal) {
      known(database);
      const b = read(pid, signal);
      if (!b) return undefined;
      // who waits for it: the listed sessions that name it among their blockers
      const waiting = sandbox.postgres.waiting(pid, signal);
      return { ...b, blocking: waiting };
    },
    async adminRole(database, signal) {
      if (!known(database).admin) throw new Error(noAdminLine(database));
      if (signal.aborted) throw signal.reason;
      return { role: 'opsadmin', superuser: false, signalBackend: true, server };
    },
    async signal(database, pid, how, planned, signal) {
      known(database);
      if (planned !== server) return 'other-server';
      return sandbox.postgres.signal(pid, how, signal) ? 'sent' : 'no-backend';
    },
    async close() {},
  };
}
