/**
 * `opsdeck audit [--verify]`: the journal's records, filtered, or its chain
 * checked. In team mode (the environment's or the config's `team.store`) both
 * read the team store's chains; `--local` reads this machine's journal
 * instead. The filters mean the same on both (audit/filter.ts).
 */
import { homedir } from 'node:os';
import type { Command } from 'commander';
import { AuditJournal } from '../audit/journal.js';
import { matchesFilter, type AuditFilter } from '../audit/filter.js';
import { formatAuditJson, formatAuditTable, formatVerify } from '../audit/format.js';
import { chainEnvironments, readChain, verifyChain } from '../team/chain.js';
import { SCHEMA_VERSION, SchemaTooNewError, storeVersion } from '../team/migrations.js';
import { TeamSpool } from '../team/spool.js';
import { openJournal, storeKey } from '../team/sharedJournal.js';
import type { ReconcileJournal } from '../audit/reconcile.js';
import { openTeamStore, type TeamStore } from '../team/store.js';
import { ConfigError } from '../config/errors.js';
import { parseDuration } from './duration.js';
import { wholeNumber } from './arguments.js';
import type { ActionIo } from './actionCommands.js';
import type { GlobalOptions } from './environment.js';
import { EXIT, UserError } from './exit.js';

interface AuditFlags {
  verify?: boolean;
  json?: boolean;
  limit?: string;
  operator?: string;
  target?: string;
  until?: string;
  local?: boolean;
}

/** "2h" (that long ago) or an ISO 8601 date or time ("2024-05-01", "2024-05-01T09:30Z"). */
export function parseAuditTime(text: string, flag: string, now = Date.now()): Date {
  if (/^\d+(\.\d+)?(ms|s|m|h|d)$/.test(text.trim())) return new Date(now - parseDuration(text, flag));
  const t = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(t)) throw new UserError(`${flag}: "${text}" is neither a duration (90m, 12h, 2d: that long ago) nor an ISO 8601 time (2024-05-01T09:30Z)`, EXIT.usage);
  return new Date(t);
}

export function auditFilter(flags: AuditFlags, g: GlobalOptions): AuditFilter {
  const environment = g.demo ? 'demo' : g.env;
  return {
    ...(environment !== undefined ? { environment } : {}),
    ...(flags.operator !== undefined ? { operator: flags.operator } : {}),
    ...(flags.target !== undefined ? { target: flags.target } : {}),
    ...(g.since !== undefined ? { since: parseAuditTime(g.since, '--since') } : {}),
    ...(flags.until !== undefined ? { until: parseAuditTime(flags.until, '--until') } : {}),
  };
}

/**
 * The team store audit reads: --env's own or the config's; without --env the
 * config's, else the default environment's; the demo's is OPSDECK_TEAM_DB. No config file at all is not an
 * error here (the local journal needs none) unless one was named.
 */
export async function auditStoreUrl(g: GlobalOptions, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (g.demo) return env.OPSDECK_TEAM_DB || undefined;
  const { loadConfig, selectEnvironment } = await import('../config/load.js');
  try {
    const { config } = loadConfig({ explicit: g.config, env, cwd: process.cwd(), home: homedir() });
    if (g.env !== undefined) return selectEnvironment(config, g.env).env.team?.store ?? config.team?.store;
    return config.team?.store ?? selectEnvironment(config).env.team?.store;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    if (g.config !== undefined || g.env !== undefined) throw new UserError(err.problems.join('\n'), EXIT.config);
    return undefined;
  }
}

/** Refuses a store this program cannot read, in one line. */
async function checkedStore(url: string): Promise<TeamStore> {
  const store = openTeamStore(url);
  try {
    const v = await storeVersion(store.pool);
    if (v > SCHEMA_VERSION) throw new SchemaTooNewError(v, SCHEMA_VERSION);
    if (v === 0) throw new UserError(`team store ${store.where} holds no opsdeck journal yet (an action in team mode creates it)`, EXIT.refused);
    return store;
  } catch (err) {
    await store.close();
    if (err instanceof UserError) throw err;
    if (err instanceof SchemaTooNewError) throw new UserError(err.message, EXIT.software);
    throw new UserError(`team store ${store.where} does not answer (${store.describe(err)}); \`opsdeck audit --local\` reads this machine's journal`, EXIT.unknown);
  }
}

export function registerAuditCommand(program: Command, io: ActionIo): Command {
  return program
    .command('audit')
    .description("list the audit journal of actions (the team store's in team mode), or check its hash chain with --verify; --env, --since narrow it")
    .option('--verify', 'check the chain (each environment\'s, in the team store); exit 1 naming the first broken record')
    .option('--json', 'print the records as JSON')
    .option('--limit <n>', 'only the newest N records')
    .option('--operator <user>', 'only records of this operator (user, or user@host)')
    .option('--target <target>', 'only records of this target ("prod/api", or "api")')
    .option('--until <time>', 'only records before this time (ISO 8601, or a duration: that long ago); --since is the lower bound')
    .option('--local', "read this machine's journal even in team mode")
    .action(async (flags: AuditFlags, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions & AuditFlags>();
      const filter = auditFilter(flags, g);
      const limit = flags.limit !== undefined ? wholeNumber(flags.limit, '--limit') : undefined;
      const json = Boolean(flags.json || g.json);
      const url = flags.local ? undefined : await auditStoreUrl(g, io.env);
      if (!url) return io.setCode(localAudit(io, flags, filter, limit, json));
      const store = await checkedStore(url);
      try {
        io.setCode(await teamAudit(io, store, storeKey(url), flags, filter, limit, json));
      } finally {
        await store.close();
      }
    });
}

function localAudit(io: ActionIo, flags: AuditFlags, filter: AuditFilter, limit: number | undefined, json: boolean): number {
  const journal = AuditJournal.open(io.env);
  if (flags.verify) {
    const result = journal.verify();
    io.stdout.write(formatVerify(result, journal.path) + '\n');
    return result.ok ? EXIT.ok : EXIT.refused;
  }
  const all = journal.read();
  let records = all.filter((r) => matchesFilter(r, filter));
  if (limit !== undefined) records = records.slice(-limit);
  const none = all.length === 0 ? `the audit journal ${journal.path} is empty` : `no record of the audit journal ${journal.path} matches`;
  const text = json ? formatAuditJson(records) : records.length ? formatAuditTable(records) : none;
  io.stdout.write(text.endsWith('\n') ? text : text + '\n');
  return EXIT.ok;
}

async function teamAudit(io: ActionIo, store: TeamStore, key: string, flags: AuditFlags, filter: AuditFilter, limit: number | undefined, json: boolean): Promise<number> {
  const unsent = TeamSpool.open(key, io.env).pending().length;
  const spoolNote = unsent > 0 ? `${unsent} record${unsent === 1 ? '' : 's'} recorded on this machine while the store did not answer ${unsent === 1 ? 'is' : 'are'} not sent yet (the next opsdeck action sends them)` : undefined;
  if (flags.verify) {
    const envs = filter.environment !== undefined ? [filter.environment] : await chainEnvironments(store.pool);
    let ok = true;
    for (const env of envs) {
      const result = await verifyChain(store.pool, env);
      ok &&= result.ok;
      io.stdout.write(formatVerify(result, `${env} in team store ${store.where}`) + '\n');
    }
    if (envs.length === 0) io.stdout.write(`team store ${store.where}: no records yet\n`);
    if (spoolNote) io.stderr.write(`opsdeck: ${spoolNote}\n`);
    return ok ? EXIT.ok : EXIT.refused;
  }
  const records = await readChain(store.pool, filter, limit);
  const text = json ? formatAuditJson(records) : records.length ? formatAuditTable(records) : `no record in team store ${store.where}${Object.keys(filter).length ? ' matches' : ' yet'}`;
  io.stdout.write(text.endsWith('\n') ? text : text + '\n');
  if (spoolNote) io.stderr.write(`opsdeck: ${spoolNote}\n`);
  return EXIT.ok;
}

/**
 * The journal `audit reconcile` appends to: this machine's (the intents it
 * answers are there), and in team mode the store's chain as well, so the
 * team's record says who reconciled what. The store is reached only for an
 * answer, not to list.
 */
export async function reconcileJournal(g: GlobalOptions, io: ActionIo): Promise<ReconcileJournal & { close(): Promise<void> }> {
  const local = AuditJournal.open(io.env);
  const url = await auditStoreUrl(g, io.env);
  if (!url) return { path: local.path, append: (e) => local.append(e), close: async () => {} };
  let opened: ReturnType<typeof openJournal> | undefined;
  const journal = () =>
    (opened ??= openJournal(url, io.env).then((chosen) => {
      if (chosen.warning) io.stderr.write(`opsdeck: ${chosen.warning}\n`);
      return chosen;
    }));
  return {
    path: local.path,
    append: async (e) => (await journal()).journal.append(e),
    close: async () => void (opened && (await (await opened).shared?.close())),
  };
}
