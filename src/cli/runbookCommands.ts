/**
 * `opsdeck runbook list|show|run|resume|rehearse`. A run is one guarded
 * action (src/runbooks/runbookAction.ts): --dry-run prints every step's plan
 * and the one phrase the run needs, --confirm PHRASE runs it; without a
 * terminal and without --confirm it is refused, like every other action.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import type { Command } from 'commander';
import { runAction, ACTION_EXIT } from '../actions/executor.js';
import { planJson, planLines, resultJson } from '../actions/format.js';
import { ConfigError } from '../config/errors.js';
import { findConfigPath } from '../config/load.js';
import { loadRunbooks, findRunbook, type LoadedRunbook } from '../runbooks/library.js';
import { runbookAction, type RunbookArgs } from '../runbooks/runbookAction.js';
import { holderAlive, readRuns, unfinishedRun, type RunRecord } from '../runbooks/records.js';
import { IncidentRecorder } from '../incident/index.js';
import { executorDeps } from './actionSetup.js';
import { bothObservers } from '../notify/actionEvents.js';
import { openEnvironment, resolveIdentity, type GlobalOptions } from './environment.js';
import { parseTimeout } from './duration.js';
import { withActionFlags, type ActionFlags, type ActionIo } from './actionCommands.js';
import { runbookContext } from './runbookContext.js';
import { EXIT, UserError } from './exit.js';

interface RunFlags extends ActionFlags {
  answer?: string[];
}

/** The config file the environment comes from (the same search as every command); the sandbox has none. Its runbooks/ holds the team's. */
export function configPath(g: GlobalOptions, env: NodeJS.ProcessEnv): string | undefined {
  if (g.demo) return undefined;
  return findConfigPath({ ...(g.config ? { explicit: g.config } : {}), env, cwd: process.cwd(), home: homedir() })?.path;
}

function library(g: GlobalOptions, env: NodeJS.ProcessEnv): LoadedRunbook[] {
  try {
    return loadRunbooks(configPath(g, env));
  } catch (err) {
    if (err instanceof ConfigError) throw new UserError(err.problems.join('\n'), EXIT.config);
    throw err;
  }
}

function named(all: LoadedRunbook[], name: string): LoadedRunbook {
  const found = findRunbook(all, name);
  if (!found) throw new UserError(`no runbook "${name}" (known: ${all.map((r) => r.runbook.name).join(', ') || 'none'}); see opsdeck runbook list`, EXIT.usage);
  return found;
}

function parseAnswers(list: string[] | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const a of list ?? []) {
    const m = /^([a-z][a-z0-9-]*)=(.+)$/.exec(a);
    if (!m) throw new UserError(`--answer "${a}": write it as STEP=CHOICE, e.g. --answer cause-fixed=yes`, EXIT.usage);
    out.set(m[1]!, m[2]!);
  }
  return out;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

function withRunFlags(cmd: Command): Command {
  return withActionFlags(cmd, '30m').option('--answer <step=choice>', 'answer an ask step in advance (repeatable)', collect);
}

async function ask(io: ActionIo, phrase: string): Promise<string | undefined> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: io.stderr });
  try {
    const answer = await rl.question(`Type ${phrase} to run every step above (Enter alone cancels): `);
    return answer === '' ? undefined : answer;
  } finally {
    rl.close();
  }
}

interface RunOptions {
  rehearse?: boolean;
  resume?: RunRecord;
}

async function perform(io: ActionIo, g: GlobalOptions, flags: RunFlags, loaded: LoadedRunbook, opts: RunOptions): Promise<number> {
  const verifyTimeoutMs = parseTimeout(flags.timeout, '--timeout');
  if (flags.dryRun && flags.confirm !== undefined) throw new UserError('--dry-run and --confirm contradict each other: pick one', EXIT.usage);
  const answers = parseAnswers(flags.answer);
  const opened = await openEnvironment(opts.rehearse ? { ...g, demo: true } : g, io.env, { oneShot: true });
  const interrupt = new AbortController();
  const onSigint = () => interrupt.abort(new Error('interrupted'));
  process.once('SIGINT', onSigint);
  let deps: Awaited<ReturnType<typeof executorDeps>> | undefined;
  let closeRb: (() => Promise<void>) | undefined;
  try {
    await resolveIdentity(opened);
    const { rb, close } = await runbookContext(opened, { env: io.env, isTTY: io.isTTY, stderr: io.stderr, answers, answerFirst: Boolean(opts.rehearse), quiet: Boolean(flags.json) });
    closeRb = close;
    const args: RunbookArgs = { runbook: loaded.runbook, verifyTimeoutMs, ...(opts.resume ? { resume: opts.resume } : {}) };
    const plan = await runbookAction.plan(rb, args, interrupt.signal);
    if (flags.dryRun) {
      io.stdout.write(flags.json ? JSON.stringify(planJson(plan), null, 2) + '\n' : planLines(plan).join('\n') + '\n');
      return plan.refusal ? ACTION_EXIT.refused : EXIT.ok;
    }
    if (!flags.json) io.stderr.write(planLines(plan).join('\n') + '\n');
    // a rehearsal acts on the throwaway sandbox only: its phrase is typed for the operator
    let typed = opts.rehearse ? plan.phrase : flags.confirm;
    if (typed === undefined && !plan.refusal && !opened.info.readOnly && io.isTTY) typed = await ask(io, plan.phrase);
    deps = await executorDeps(opened, io.env, (w) => io.stderr.write(`opsdeck: ${w}\n`));
    const recorder = new IncidentRecorder({ env: io.env });
    // an open incident's timeline gets every step: its plan, confirmation and outcome
    deps = { ...deps, observer: bothObservers(deps.observer, { planned: (p) => recorder.planned(p), confirmed: (p) => recorder.confirmed(p), outcome: (p, r) => recorder.outcome(p, r) }) };
    const result = await runAction(deps, { action: runbookAction, ctx: rb, plan, typed, signal: interrupt.signal });
    if (flags.json) io.stdout.write(JSON.stringify(resultJson(plan, result), null, 2) + '\n');
    else io.stdout.write(`${result.outcome}: ${result.message}\n`);
    if (opts.rehearse && !flags.json) io.stdout.write(await endState(opened));
    return ACTION_EXIT[result.outcome];
  } finally {
    process.removeListener('SIGINT', onSigint);
    await deps?.close();
    await closeRb?.();
    await opened.sources.close();
  }
}

/** What a rehearsal left the sandbox in, so the operator sees the end state and not only the exit code. */
async function endState(opened: Awaited<ReturnType<typeof openEnvironment>>): Promise<string> {
  const signal = AbortSignal.timeout(5_000);
  const lines = ['end state of the sandbox:'];
  try {
    for (const s of (await opened.sources.ecs.describe(signal)).services) lines.push(`  ecs ${s.name}: desired ${s.desired}, running ${s.running}, ${s.taskDefinition}`);
  } catch {
    lines.push('  ecs: could not be read');
  }
  try {
    const rds = await opened.sources.rds.describe(signal);
    for (const i of rds.instances) lines.push(`  rds ${i.id}: ${i.status}`);
    for (const sn of rds.snapshots.filter((x) => x.type === 'manual')) lines.push(`  snapshot ${sn.id}: ${sn.status}`);
  } catch {
    lines.push('  rds: could not be read');
  }
  return lines.join('\n') + '\n';
}

function runLine(r: RunRecord): string {
  const done = r.steps.filter((s) => s.outcome === 'done' || s.outcome === 'skipped').length;
  const dead = r.status === 'running' && !holderAlive(r) ? ' (its process is gone)' : '';
  return `${r.id}  ${r.environment}  ${r.status}${dead}  ${done} step(s) done  by ${r.by}  started ${r.startedAt}`;
}

export function runbookCommands(program: Command, io: ActionIo): void {
  const runbook = program.command('runbook').description('named sequences of checks, actions, waits and notes, planned and confirmed as a whole');

  runbook
    .command('list')
    .description('the runbooks (built in, and runbooks/ beside the config) and the runs not finished')
    .option('--json', 'as JSON')
    .action((flags: { json?: boolean }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const all = library(g, io.env);
      const runs = readRuns(io.env).filter((r) => r.status !== 'done');
      if (flags.json) {
        io.stdout.write(JSON.stringify({ runbooks: all.map((r) => ({ name: r.runbook.name, title: r.runbook.title, origin: r.origin, path: r.path, steps: r.runbook.steps.length })), unfinished: runs }, null, 2) + '\n');
      } else {
        const width = Math.max(...all.map((r) => r.runbook.name.length), 4);
        for (const r of all) io.stdout.write(`${r.runbook.name.padEnd(width)}  ${String(r.runbook.steps.length).padStart(2)} steps  ${r.origin.padEnd(8)}  ${r.runbook.title}\n`);
        if (runs.length) io.stdout.write(`\nnot finished (opsdeck runbook resume):\n${runs.map((r) => `  ${runLine(r)}`).join('\n')}\n`);
      }
      io.setCode(EXIT.ok);
    });

  runbook
    .command('show <name>')
    .description('print a runbook file, to read it or copy it into runbooks/ beside your config and change it')
    .action((name: string, _f, cmd: Command) => {
      const found = named(library(cmd.optsWithGlobals<GlobalOptions>(), io.env), name);
      io.stdout.write(`# ${found.path.replace(homedir(), '~')}\n${readFileSync(found.path, 'utf8')}`);
      io.setCode(EXIT.ok);
    });

  withRunFlags(runbook.command('run <name>').description('plan every step, confirm once with the runbook\'s phrase, run the steps through the executor')).action(async (name: string, flags: RunFlags, cmd: Command) => {
    const g = cmd.optsWithGlobals<GlobalOptions>();
    io.setCode(await perform(io, g, flags, named(library(g, io.env), name), {}));
  });

  withRunFlags(runbook.command('resume').description('continue the newest run that stopped (ctrl+c, a crash, a failed step) from its first step not done, planned again'))
    .option('--run <id>', 'the run to continue (default: the newest unfinished one of this environment)')
    .action(async (flags: RunFlags & { run?: string }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const environment = g.demo ? 'demo' : g.env;
      const runs = readRuns(io.env);
      const run = flags.run ? runs.find((r) => r.id === flags.run) : environment ? unfinishedRun(environment, io.env) : runs.filter((r) => r.status !== 'done').at(-1);
      if (!run) throw new UserError(flags.run ? `no run "${flags.run}" (see opsdeck runbook list)` : 'no runbook run is unfinished; nothing to resume', EXIT.usage);
      if (run.status === 'done') throw new UserError(`run ${run.id} finished; nothing to resume`, EXIT.usage);
      if (run.status === 'running' && run.pid !== process.pid && holderAlive(run)) throw new UserError(`run ${run.id} is still under way (pid ${run.pid}); stop it first`, EXIT.refused);
      if (environment && run.environment !== environment) throw new UserError(`run ${run.id} is of ${run.environment}, not ${environment}; pass --env ${run.environment}`, EXIT.usage);
      io.setCode(await perform(io, { ...g, ...(g.demo ? {} : { env: run.environment }) }, flags, named(library(g, io.env), run.runbook), { resume: run }));
    });

  withRunFlags(runbook.command('rehearse <name>').description('run a runbook on the sandbox (--scenario S), confirmed for you, and print the end state')).action(async (name: string, flags: RunFlags, cmd: Command) => {
    const g = cmd.optsWithGlobals<GlobalOptions>();
    if (flags.confirm !== undefined) throw new UserError('a rehearsal runs on the sandbox and needs no --confirm', EXIT.usage);
    io.setCode(await perform(io, g, flags, named(library(g, io.env), name), { rehearse: true }));
  });
}
