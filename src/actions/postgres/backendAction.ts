/**
 * What cancel and terminate share: the plan reads the backend through the
 * read-only monitoring connection and the admin role through the admin
 * connection, shows who the session is, what it runs, whom it blocks and who
 * blocks it; the re-read compares pid, state, backend_start, query_start and
 * the query's hash, so a pid that went on to another statement (or was reused
 * by a new session) is refused as changed; the signal goes through the admin
 * connection only while it still reaches the server the plan was read from.
 *
 * Query text is shown (sanitised, cut short) in the plan's details, never in
 * its summary, changes or calls: those are journaled, and a statement may
 * carry customer data or a literal password.
 */
import type { ActionDefinition, Plan, PlanChange } from '../types.js';
import { confirmationPhrase } from '../types.js';
import { timeoutText } from '../timeout.js';
import { errorMessage, oneLine } from '../../text/sanitize.js';
import { backendTarget, noAdminLine, where, type PgActionContext, type PgAdminRole, type PgBackend, type PgBackendArgs, type PgSignal } from './context.js';

export interface PgBackendParams {
  database: string;
  pid: number;
  backendStart: string | null;
  queryStart: string | null;
  /** the server instance the plan was read from; the signal is sent only there */
  server: string;
}

/** What differs between cancelling a statement and terminating a session. */
export interface SignalKind {
  how: PgSignal;
  id: string;
  title: string;
  /** the plan's title, e.g. "Cancel the query of prod/primary pid 4242" */
  planTitle(session: string): string;
  /** postgres function the call makes */
  fn: string;
  /** why this backend cannot take this signal, beyond what both refuse */
  refusal?(b: PgBackend): string | undefined;
  change(b: PgBackend): PlanChange;
  /** what happens to the session and its client, one line */
  effect(b: PgBackend): string;
  /** a line when the signal took effect, else undefined */
  done(planned: PgBackendParams, now: PgBackend | undefined): string | undefined;
}

export const QUERY_SHOWN = 300;
const POLL_MS = 500;
export const DEFAULT_VERIFY_MS = 15_000;

const ageOf = (ms: number | null) => (ms === null ? '?' : timeoutText(ms));
const pids = (xs: readonly number[]) => xs.join(', ');
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The re-read's view of a backend; a vanished one reads as state "gone". */
export function backendFingerprint(pid: number, b: PgBackend | undefined): string {
  return JSON.stringify({
    pid,
    state: b ? b.state : 'gone',
    backendStart: b?.backendStart ?? null,
    queryStart: b?.queryStart ?? null,
    query: b?.queryHash ? b.queryHash.slice(0, 8) : null,
  });
}

/** "idle in transaction for 7 min (transaction open 7 min 2 s)", "active for 6 min, waiting on Lock:transactionid" */
export function stateLine(b: PgBackend): string {
  const state = b.state ?? 'unknown';
  const parts = [`${state} for ${ageOf(b.queryMs)}`];
  if (b.xactMs !== null && b.xactStart !== null) parts.push(`transaction open ${ageOf(b.xactMs)}`);
  if (b.waitEvent) parts.push(`waiting on ${b.waitEvent}`);
  return parts.join(', ');
}

/** Why neither signal may go to this backend. */
function refusedForBoth(database: string, b: PgBackend): string | undefined {
  if (!b.here) return `pid ${b.pid} is a session of database "${oneLine(b.database ?? '?', 60)}", not of ${database}'s; act on it from the postgres entry of that database`;
  if (b.own) return `pid ${b.pid} is opsdeck's own connection; nothing to do`;
  // pg_stat_activity hides another role's session from a role without pg_read_all_stats: nothing to re-read it by
  if (b.backendStart === null) return `${database}'s monitoring role cannot see pid ${b.pid}'s session (grant it pg_monitor): opsdeck signals only a session it can re-read before acting`;
  if (b.backendType !== 'client backend') return `pid ${b.pid} is a ${oneLine(b.backendType ?? 'server process', 40)}, not a client session: opsdeck signals client sessions only`;
  return undefined;
}

/** Why the admin role cannot signal this backend. */
function refusedForRole(database: string, b: PgBackend, role: PgAdminRole, how: PgSignal): string | undefined {
  if (role.server !== b.server) return `${database}'s admin URL reaches another server (started ${role.server}) than its url (started ${b.server}): point postgres[].admin at the same server`;
  if (role.superuser) return undefined;
  if (b.superuser) return `pid ${b.pid} is a session of superuser ${oneLine(b.user ?? '?', 40)}: only a superuser may ${how} it, and the admin role ${oneLine(role.role, 40)} is not one`;
  if (!role.signalBackend && role.role !== b.user) return `the admin role ${oneLine(role.role, 40)} may not signal other roles' sessions: GRANT pg_signal_backend TO ${oneLine(role.role, 40)} (or use a superuser)`;
  return undefined;
}

function sessionLine(b: PgBackend): string {
  const parts = [`pid ${b.pid}`, `user ${oneLine(b.user ?? '?', 40)}`];
  if (b.application) parts.push(`application ${oneLine(b.application, 60)}`);
  if (b.client) parts.push(`client ${oneLine(b.client, 60)}`);
  if (b.backendStart) parts.push(`connected since ${b.backendStart}`);
  return parts.join(' · ');
}

function roleLine(role: PgAdminRole | undefined, failure: string | undefined): string {
  if (failure) return `admin connection: ${failure}`;
  if (!role) return 'admin connection: none configured';
  return `admin connection: role ${oneLine(role.role, 40)} (${role.superuser ? 'superuser' : role.signalBackend ? 'pg_signal_backend' : 'its own sessions only'})`;
}

export function signalAction(kind: SignalKind): ActionDefinition<PgBackendArgs, PgActionContext, PgBackendParams> {
  return {
    id: kind.id,
    title: kind.title,
    tier: 'destructive',

    async plan(ctx, args, signal): Promise<Plan<PgBackendParams>> {
      const all = ctx.postgres.databases();
      const entry = all.find((d) => d.name === args.database);
      if (!entry) throw new Error(`no postgres entry "${args.database}" in ${ctx.env.name}'s config (known: ${all.map((d) => d.name).join(', ') || 'none'})`);
      const b = await ctx.postgres.backend(args.database, args.pid, signal);
      const base = {
        action: kind.id,
        tier: 'destructive' as const,
        environment: ctx.env.name,
        target: backendTarget(ctx, args),
        phrase: confirmationPhrase('destructive', ctx.env, String(args.pid)),
        verifyTimeoutMs: args.verifyTimeoutMs ?? DEFAULT_VERIFY_MS,
        calls: [{ api: `postgres:${kind.fn}`, params: { database: args.database, pid: args.pid } }],
        createdAt: ctx.now(),
      };
      const title = kind.planTitle(`${ctx.env.name}/${args.database} pid ${args.pid}`);
      if (!b) {
        return {
          ...base,
          title,
          summary: `${where(ctx, args)}: no such session`,
          changes: [],
          details: [],
          fingerprint: backendFingerprint(args.pid, undefined),
          params: { database: args.database, pid: args.pid, backendStart: null, queryStart: null, server: '' },
          refusal: `pid ${args.pid} is not running on ${args.database} (it ended, or the number is wrong); nothing to do`,
        };
      }
      let role: PgAdminRole | undefined;
      let roleFailure: string | undefined;
      if (entry.admin) {
        try {
          role = await ctx.postgres.adminRole(args.database, signal);
        } catch (err) {
          roleFailure = errorMessage(err);
        }
      }
      const refusal =
        refusedForBoth(args.database, b) ??
        kind.refusal?.(b) ??
        (!entry.admin ? noAdminLine(args.database) : roleFailure ? `the admin connection of ${args.database} failed: ${roleFailure}` : role ? refusedForRole(args.database, b, role, kind.how) : undefined);
      const details = [
        `session   ${sessionLine(b)}`,
        `state     ${stateLine(b)}`,
        `query     ${oneLine(b.query, QUERY_SHOWN) || '(no query text)'}`,
      ];
      if (b.blockedBy.length) details.push(`waits for pid ${pids(b.blockedBy)}`);
      if (b.blocking.length) details.push(`blocks    ${plural(b.blocking.length, 'session')}: pid ${pids(b.blocking)}`);
      details.push(`effect    ${kind.effect(b)}`, roleLine(role, roleFailure));
      const blocks = b.blocking.length ? `, blocks ${plural(b.blocking.length, 'session')}` : '';
      return {
        ...base,
        title,
        summary: `${where(ctx, args)}: ${kind.fn}(${args.pid}); user ${oneLine(b.user ?? '?', 40)}, ${b.state ?? 'unknown'} for ${ageOf(b.queryMs)}${blocks}`,
        changes: [kind.change(b)],
        details,
        fingerprint: backendFingerprint(args.pid, b),
        params: { database: args.database, pid: args.pid, backendStart: b.backendStart, queryStart: b.queryStart, server: b.server },
        ...(refusal ? { refusal } : {}),
      };
    },

    async fingerprint(ctx, plan, signal) {
      return backendFingerprint(plan.params.pid, await ctx.postgres.backend(plan.params.database, plan.params.pid, signal));
    },

    async execute(ctx, plan, signal) {
      const { database, pid, server } = plan.params;
      const sent = await ctx.postgres.signal(database, pid, kind.how, server, signal);
      if (sent === 'no-backend') throw new Error(`pid ${pid} ended before the signal reached it: nothing was sent`);
      if (sent === 'other-server') throw new Error(`${database}'s admin connection now reaches another server than the plan was read from: nothing was sent`);
      return { requestIds: [], detail: `${kind.fn}(${pid}) sent through ${database}'s admin connection` };
    },

    async verify(ctx, plan, onProgress, signal) {
      const { database, pid } = plan.params;
      const deadline = ctx.now() + plan.verifyTimeoutMs;
      for (;;) {
        const b = await ctx.postgres.backend(database, pid, signal);
        const done = kind.done(plan.params, b);
        if (done) return { ok: true, message: `${plan.target.display}: ${done}` };
        const still = b ? `pid ${pid} still ${stateLine(b)}` : `pid ${pid} not read`;
        onProgress({ message: still });
        if (ctx.now() >= deadline) return { ok: false, message: `${plan.target.display}: ${still} after ${timeoutText(plan.verifyTimeoutMs)}` };
        await ctx.sleep(POLL_MS, signal);
      }
    },
  };
}
