/**
 * `opsdeck pg cancel PID`, `opsdeck pg terminate PID` (through the same path
 * as every action: --dry-run, --confirm PID, the journal) and `opsdeck pg
 * sessions`, the blocked / long / idle-in-transaction sessions the Postgres
 * panel lists, to find the pid. In the demo the sandbox's database.
 */
import type { Command } from 'commander';
import { cancelAction } from '../actions/postgres/cancel.js';
import { terminateAction } from '../actions/postgres/terminate.js';
import type { PgActionContext, PgBackendArgs, PostgresAdmin } from '../actions/postgres/context.js';
import type { EnvironmentConfig } from '../config/schema.js';
import type { PgHealth } from '../model/postgres.js';
import { timeoutText } from '../actions/timeout.js';
import { escapeJsonText, oneLine } from '../text/sanitize.js';
import { perform, withActionFlags, type ActionFlags, type ActionIo, type ActionSetup } from './actionCommands.js';
import { sleep } from './actionSetup.js';
import { openEnvironment, type GlobalOptions, type OpenedEnvironment } from './environment.js';
import { configName, wholeNumber } from './arguments.js';
import { EXIT, UserError } from './exit.js';

interface PgFlags extends ActionFlags {
  db?: string;
}

// pids are positive 32-bit integers
const PID_MAX = 2_147_483_647;

/** The postgres entry: --db when given, else the only one. */
function databaseOf(config: EnvironmentConfig, db: string | undefined): string {
  const all = config.postgres;
  if (all.length === 0) throw new UserError('this environment configures no PostgreSQL; add a postgres entry (name, url, admin)', EXIT.usage);
  if (db !== undefined) {
    if (!all.some((p) => p.name === db)) throw new UserError(`postgres entry "${db}" is not in this environment's config (known: ${all.map((p) => p.name).join(', ')})`, EXIT.usage);
    return db;
  }
  if (all.length === 1) return all[0]!.name;
  throw new UserError(`this environment has ${all.length} postgres entries (${all.map((p) => p.name).join(', ')}); pass --db`, EXIT.usage);
}

/** `admin()` is what to close afterwards. */
function pgSetup(pid: number, flags: PgFlags): ActionSetup<PgBackendArgs, PgActionContext> & { admin(): PostgresAdmin | undefined } {
  let admin: PostgresAdmin | undefined;
  return {
    args: (opened: OpenedEnvironment, verifyTimeoutMs: number) => ({ database: databaseOf(opened.config, flags.db), pid, verifyTimeoutMs }),
    async context(opened) {
      admin = opened.postgresAdmin?.();
      if (!admin) throw new UserError('this environment configures no PostgreSQL; add a postgres entry (name, url, admin)', EXIT.usage);
      return { env: opened.info, now: () => Date.now(), sleep, postgres: admin };
    },
    admin: () => admin,
  };
}

/** "blocked   6 min 12 s  pid 5120  by 4242  app  UPDATE orders …" */
export function sessionLines(db: PgHealth, width = 160): string[] {
  const rows = [
    ...db.blocked.map((s) => ({ kind: 'blocked', s, by: s.blockedBy })),
    ...db.longQueries.map((s) => ({ kind: 'long', s, by: [] as number[] })),
    ...db.idleInTransaction.map((s) => ({ kind: 'idle-tx', s, by: [] as number[] })),
  ];
  if (rows.length === 0) return [`${db.name}: no blocked, long or idle-in-transaction sessions`];
  return [
    `${db.name}: ${db.blocked.length} blocked, ${db.longQueries.length} long, ${db.idleInTransaction.length} idle in transaction`,
    ...rows.map(({ kind, s, by }) => {
      const head = `  ${kind.padEnd(8)} ${timeoutText(s.durationMs).padStart(12)}  pid ${String(s.pid).padEnd(7)} ${by.length ? `by ${by.join(',')} ` : ''}${oneLine(s.user ?? '?', 30)}  `;
      return head + oneLine(s.query || '(no query text)', Math.max(20, width - head.length));
    }),
  ];
}

export function pgCommands(program: Command, io: ActionIo): void {
  const pgCmd = program.command('pg').description('PostgreSQL sessions: list them, cancel a query, terminate a backend');

  for (const [name, action, what] of [
    ['cancel', cancelAction, 'cancel the query session PID runs (pg_cancel_backend), through postgres[].admin'],
    ['terminate', terminateAction, 'terminate session PID (pg_terminate_backend): its transaction rolls back, its locks go; through postgres[].admin'],
  ] as const) {
    withActionFlags(pgCmd.command(`${name} <pid>`).description(what), '15s')
      .option('--db <name>', 'the postgres entry, when the environment has more than one')
      .action(async (pidText: string, flags: PgFlags, cmd: Command) => {
        const pid = wholeNumber(pidText, 'pid', 1, PID_MAX);
        if (flags.db !== undefined) configName(flags.db, '--db');
        const setup = pgSetup(pid, flags);
        try {
          io.setCode(await perform(io, cmd.optsWithGlobals<GlobalOptions>(), flags, action, setup));
        } finally {
          await setup.admin()?.close();
        }
      });
  }

  pgCmd
    .command('sessions')
    .description('the blocked, long and idle-in-transaction sessions of each database, with their pids')
    .option('--db <name>', 'only this postgres entry')
    .option('--json', 'print them as JSON')
    .action(async (flags: { db?: string; json?: boolean }, cmd: Command) => {
      if (flags.db !== undefined) configName(flags.db, '--db');
      const opened = await openEnvironment(cmd.optsWithGlobals<GlobalOptions>(), io.env, { oneShot: true });
      try {
        const only = flags.db !== undefined ? databaseOf(opened.config, flags.db) : undefined;
        if (opened.config.postgres.length === 0) databaseOf(opened.config, undefined);
        const snap = await opened.sources.postgres.read(AbortSignal.timeout(15_000));
        const dbs = snap.databases.filter((d) => only === undefined || d.name === only);
        const errors = (snap.errors ?? []).filter((e) => only === undefined || e.name === only);
        if (flags.json) {
          const out = dbs.map((d) => ({ name: d.name, blocked: d.blocked, longQueries: d.longQueries, idleInTransaction: d.idleInTransaction }));
          // query texts come from outside: controls a terminal would act on are escaped
          io.stdout.write(escapeJsonText(JSON.stringify({ environment: opened.info.name, databases: out, errors }, null, 2)) + '\n');
        } else {
          for (const d of dbs) io.stdout.write(sessionLines(d).join('\n') + '\n');
          for (const e of errors) io.stdout.write(`${oneLine(e.error)}\n`);
        }
        // a database that did not answer: its sessions are unknown
        io.setCode(errors.length ? EXIT.unknown : EXIT.ok);
      } finally {
        await opened.sources.close();
      }
    });
}
