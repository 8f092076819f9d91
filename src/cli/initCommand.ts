/**
 * `opsdeck init`: looks at an AWS account (read-only), asks what to watch, and
 * writes a commented config that `opsdeck check` can use as it is. It writes
 * where the next run will look first (--config, $OPSDECK_CONFIG, else
 * ./opsdeck.yaml), and never over an existing file without --force.
 */
import { mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, relative } from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { createAwsContext } from '../sources/aws/clients.js';
import { AwsError } from '../sources/aws/errors.js';
import { databaseLabel, discover, servicesLabel, type Discovery } from '../sources/aws/discover.js';
import { ENVIRONMENT_NAME, renderConfig, type InitChoice } from '../sources/aws/discoverConfig.js';
import { errorMessage, oneLine } from '../text/sanitize.js';
import type { ActionIo } from './actionCommands.js';
import type { GlobalOptions } from './environment.js';
import { EXIT, UserError } from './exit.js';

type Ask = (question: string) => Promise<string>;

interface InitFlags {
  yes?: boolean;
  force?: boolean;
  name?: string;
  /** undefined: asked on a terminal, protected with --yes */
  protected?: boolean;
}
type Picked = Pick<InitChoice, 'clusters' | 'databases' | 'logGroups'>;

export function initCommand(program: Command, io: ActionIo): void {
  program
    .command('init')
    .description('discover ECS clusters, RDS instances and log groups (read-only) and write a commented config')
    .option('--yes', 'include everything found, without asking (the environment: --name, protected unless --no-protected)')
    .option('--name <name>', 'the environment\'s name, e.g. prod (default: asked; with --yes the AWS profile\'s name, else "default")')
    .option('--protected', 'protect the environment: read-only unless --write, phrases carry its name (the default)')
    .option('--no-protected', 'do not protect it (a sandbox or a staging account)')
    .option('--force', 'overwrite an existing config file')
    .action(async (flags: InitFlags, cmd: Command) => {
      io.setCode(await runInit(io, cmd.optsWithGlobals<GlobalOptions>(), flags));
    });
}

/** Everything discovery found that opsdeck can watch as it stands. */
export function everything(d: Discovery): Picked {
  return { clusters: d.clusters, databases: d.databases.filter((db) => !db.unsupported), logGroups: d.logGroups.filter((g) => g.exists && !g.otherRegion) };
}

/** The environment's name: --name (or --env), else the AWS profile's name, else "default". */
export function environmentName(flag: string | undefined, profile: string | undefined, option = '--name'): string {
  if (flag !== undefined) {
    if (!ENVIRONMENT_NAME.test(flag)) throw new UserError(`${option} "${oneLine(flag, 60)}" is not a valid environment name: use letters, digits, _ and -`, EXIT.usage);
    return flag;
  }
  return profileName(profile) || 'default';
}

function profileName(profile: string | undefined): string {
  return (profile ?? '').replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '');
}

/**
 * On a terminal, what the flags left open: the environment's name (the
 * profile's as a suggestion, none otherwise: "default" names nothing an
 * operator would recognise in a phrase) and whether it is protected, yes
 * unless answered no, since init is pointed at production as often as not.
 */
export async function askEnvironment(ask: Ask, write: (line: string) => void, given: { name?: string; protected?: boolean; suggestion?: string }): Promise<{ name: string; protected: boolean }> {
  let name = given.name;
  while (name === undefined) {
    const hint = given.suggestion ? ` [${given.suggestion}]` : '';
    const answer = (await ask(`name of this environment, as phrases will carry it (e.g. prod, staging)${hint}: `)).trim();
    const chosen = answer === '' ? given.suggestion : answer;
    if (chosen && ENVIRONMENT_NAME.test(chosen)) name = chosen;
    else write(chosen ? `  "${oneLine(chosen, 60)}" is not a valid name: use letters, digits, _ and -` : '  a name is needed, e.g. prod');
  }
  const protect = given.protected ?? (await yesNo(ask, write, `protect ${name}? read-only unless started with --write, and confirmations type "${name}/<target>" [Y/n] `));
  return { name, protected: protect };
}

async function runInit(io: ActionIo, g: GlobalOptions, flags: InitFlags): Promise<number> {
  if (g.demo) throw new UserError('init looks at a real AWS account; drop --demo (the sandbox needs no config)', EXIT.usage);
  // the config modules (yaml, zod) load only when a command needs them
  const { configSearchPaths, parseConfig, ConfigError } = await import('../config/load.js');
  const cwd = process.cwd();
  const target = configSearchPaths({ explicit: g.config, env: io.env, cwd, home: homedir() })[0]!.path;
  const label = shown(target, cwd);
  refuseExisting(target, label, flags.force);
  if (!flags.yes && !io.isTTY) throw new UserError('init asks what to include and needs a terminal; pass --yes to include everything it finds', EXIT.usage);

  const profile = g.profile ?? (io.env.AWS_PROFILE?.trim() || undefined);
  if (flags.name !== undefined && g.env !== undefined && flags.name !== g.env) throw new UserError(`--name "${oneLine(flags.name, 60)}" and --env "${oneLine(g.env, 60)}" disagree: pass only --name`, EXIT.usage);
  const [nameFlag, option] = flags.name !== undefined ? [flags.name, '--name'] : [g.env, '--env'];
  let environment: string;
  let protect: boolean;
  if (flags.yes) {
    environment = environmentName(nameFlag, profile, option);
    protect = flags.protected ?? true;
  } else {
    if (nameFlag !== undefined) environmentName(nameFlag, profile, option);
    const suggestion = profileName(profile);
    const chosen = await withPrompt(io, (ask) => askEnvironment(ask, (line) => io.stderr.write(line + '\n'), { ...(nameFlag !== undefined ? { name: nameFlag } : {}), ...(flags.protected !== undefined ? { protected: flags.protected } : {}), ...(suggestion ? { suggestion } : {}) }));
    environment = chosen.name;
    protect = chosen.protected;
  }
  const ctx = createAwsContext({ flags: { region: g.region, profile: g.profile }, env: io.env });
  const interrupt = new AbortController();
  const onSigint = () => interrupt.abort(new Error('interrupted'));
  process.once('SIGINT', onSigint);
  try {
    io.stderr.write('opsdeck: looking at the AWS account (read-only: List and Describe calls only)…\n');
    let found: Discovery;
    try {
      found = await discover(ctx, { signal: interrupt.signal });
    } catch (err) {
      if (interrupt.signal.aborted) throw new UserError('interrupted; nothing was written', EXIT.refused);
      throw new UserError(err instanceof AwsError ? err.message : `discovery failed: ${errorMessage(err)}`, EXIT.failed);
    }
    for (const w of found.warnings) io.stderr.write(`opsdeck: ${w}\n`);
    const picked = flags.yes ? everything(found) : await withPrompt(io, (ask) => chooseInteractively(found, ask, (line) => io.stderr.write(line + '\n')));
    const choice: InitChoice = { environment, protected: protect, region: g.region ?? found.region, profile, ...picked };
    const text = renderConfig(found, choice, Date.now());
    // what is written must load: a failure here is opsdeck's bug, not the operator's
    try {
      parseConfig(text, label, {});
    } catch (err) {
      const why = err instanceof ConfigError ? err.problems.join('; ') : errorMessage(err);
      throw new UserError(`the config init produced does not validate (${why}); nothing was written; please report this`, EXIT.software);
    }
    writeConfig(target, label, text, flags.force);
    const services = choice.clusters.reduce((n, c) => n + c.services.length, 0);
    io.stdout.write(
      [
        `wrote ${label}: environment ${environment} (${choice.protected ? 'protected: read-only unless --write' : 'not protected'}) with ${count(choice.clusters.length, 'ECS cluster')} (${count(services, 'service')}), ${count(choice.databases.length, 'RDS instance')}, ${count(choice.logGroups.length, 'log group')}`,
        `next: read it, fill in Redis, PostgreSQL and HTTP probes if you have them, then run \`opsdeck config validate${g.config ? ` ${label}` : ''}\` and \`opsdeck check${g.config ? ` --config ${label}` : ''}\``,
      ].join('\n') + '\n',
    );
    return EXIT.ok;
  } finally {
    process.removeListener('SIGINT', onSigint);
    ctx.close();
  }
}

function refuseExisting(target: string, label: string, force: boolean | undefined): void {
  const st = statSync(target, { throwIfNoEntry: false });
  if (st?.isDirectory()) throw new UserError(`${label} is a directory; pass --config FILE to name the file to write`, EXIT.usage);
  if (st && !force) throw new UserError(`${label} already exists; pass --force to overwrite it, or --config FILE to write another file`, EXIT.refused);
}

function writeConfig(target: string, label: string, text: string, force: boolean | undefined): void {
  try {
    mkdirSync(dirname(target), { recursive: true });
    if (force) {
      // replace in one step: an interrupted init never leaves half a config behind
      const tmp = `${target}.${process.pid}.tmp`;
      writeFileSync(tmp, text, { mode: 0o600 });
      renameSync(tmp, target);
    } else {
      writeFileSync(target, text, { mode: 0o600, flag: 'wx' });
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new UserError(`${label} appeared while init was running; pass --force to overwrite it`, EXIT.refused);
    throw new UserError(`cannot write ${label}: ${errorMessage(err)}`, EXIT.failed);
  }
}

async function withPrompt<T>(io: ActionIo, work: (ask: Ask) => Promise<T>): Promise<T> {
  const rl = createInterface({ input: process.stdin, output: io.stderr });
  const closed = new AbortController();
  rl.once('close', () => closed.abort());
  try {
    return await work(async (q) => {
      try {
        return await rl.question(q, { signal: closed.signal });
      } catch {
        throw new UserError('input ended before every question was answered; nothing was written', EXIT.refused);
      }
    });
  } finally {
    rl.close();
  }
}

/** The numbered questions of a terminal session; `write` shows lists and hints. */
export async function chooseInteractively(d: Discovery, ask: Ask, write: (line: string) => void): Promise<Picked> {
  const all = everything(d);
  write(`Found in account ${d.account}${d.region ? `, region ${d.region}` : ''}: ${count(d.clusters.length, 'ECS cluster')}, ${count(d.databases.length, 'RDS instance')}, ${count(d.logGroups.length, 'log group')}.`);
  const clusters = [];
  for (const c of all.clusters) if (await yesNo(ask, write, `include cluster ${oneLine(c.name)} (${servicesLabel(c)})? [Y/n] `)) clusters.push(c);
  const databases = [];
  for (const db of all.databases) if (await yesNo(ask, write, `include RDS instance ${oneLine(db.id)} (${databaseLabel(db)})? [Y/n] `)) databases.push(db);
  for (const db of d.databases.filter((x) => x.unsupported)) write(`  (RDS instance ${oneLine(db.id)} is left out: ${db.unsupported})`);

  const groups = all.logGroups;
  if (groups.length === 0) return { clusters, databases, logGroups: [] };
  const chosenServices = new Set(clusters.flatMap((c) => c.services.map((s) => `${c.name}/${s.name}`)));
  const preset = groups.map((g, i) => (g.usedBy.some((u) => chosenServices.has(u)) ? i : -1)).filter((i) => i >= 0);
  write('Log groups (* = written by a chosen service):');
  groups.forEach((g, i) => write(`  ${String(i + 1).padStart(3)}. ${preset.includes(i) ? '*' : ' '} ${oneLine(g.name)}${g.usedBy.length ? `  (${oneLine(g.usedBy.slice(0, 3).join(', '))}${g.usedBy.length > 3 ? ', …' : ''})` : ''}`));
  for (;;) {
    const answer = (await ask(`log groups to include: numbers or ranges (1,3-5), "all" or "none"; Enter takes the ${preset.length} marked *: `)).trim();
    const picked = answer === '' ? preset : parseNumbers(answer, groups.length);
    if (picked) return { clusters, databases, logGroups: picked.map((i) => groups[i]!) };
    write(`  "${oneLine(answer, 60)}" is not a list of numbers from 1 to ${groups.length}; try e.g. 1,3-5`);
  }
}

async function yesNo(ask: Ask, write: (line: string) => void, question: string): Promise<boolean> {
  for (;;) {
    const a = (await ask(question)).trim().toLowerCase();
    if (a === '' || a === 'y' || a === 'yes') return true;
    if (a === 'n' || a === 'no') return false;
    write('  answer y or n (Enter means yes)');
  }
}

/** "1,3-5" → [0, 2, 3, 4] (0-based, sorted, unique); "all", "none"; null when malformed or out of range. */
export function parseNumbers(text: string, max: number): number[] | null {
  const t = text.trim().toLowerCase();
  if (t === 'all') return Array.from({ length: max }, (_, i) => i);
  if (t === 'none' || t === '-') return [];
  const out = new Set<number>();
  for (const part of t.split(/[\s,]+/).filter(Boolean)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) return null;
    const a = Number(m[1]);
    const b = m[2] !== undefined ? Number(m[2]) : a;
    if (a < 1 || b > max || a > b) return null;
    for (let i = a; i <= b; i++) out.add(i - 1);
  }
  return out.size ? [...out].sort((x, y) => x - y) : null;
}

function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

function shown(p: string, cwd: string): string {
  const rel = relative(cwd, p);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : p;
}
