/**
 * `opsdeck drill backup INSTANCE` and `opsdeck drill cleanup`. The drill is
 * its own confirmation: naming the instance starts it, since all it changes
 * is a new instance it tags and deletes again. A protected environment asks
 * for ENV/INSTANCE as well (typed, or --confirm in a script), and --write as
 * for every action there. Ctrl-C stops waiting and deletes what the drill
 * created when RDS lets it; a second ctrl-C leaves that to `drill cleanup`.
 * Exit: 0 parity 100 %, 1 a check failed, 2 the drill could not complete.
 */
import { createInterface } from 'node:readline/promises';
import { Option, type Command } from 'commander';
import type { RdsActionContext, RdsControl } from '../actions/rds/context.js';
import { scaledClock, systemClock, type Clock } from '../engine/clock.js';
import { cleanupExitCode, cleanupLeftovers } from '../drills/cleanup.js';
import { leftoverLine, stepLine, verdictLines } from '../drills/format.js';
import { DrillRefused, runDrill } from '../drills/drill.js';
import { pendingDir } from '../drills/records.js';
import { drillPhrase, rdsEndpoints, type DrillEndpoints } from '../drills/setup.js';
import { DRILL_EXIT, type DrillConfig } from '../drills/types.js';
import { createSandbox } from '../sources/sandbox/index.js';
import { sandboxRdsControl } from '../sources/sandbox/rdsControl.js';
import { errorMessage, oneLine } from '../text/sanitize.js';
import type { ActionIo } from './actionCommands.js';
import { executorDeps, sleep } from './actionSetup.js';
import { parseDuration } from './duration.js';
import { openEnvironment, resolveIdentity, type GlobalOptions, type OpenedEnvironment } from './environment.js';
import { rdsInstanceId, rdsSnapshotId } from './arguments.js';
import { EXIT, UserError } from './exit.js';

interface BackupFlags {
  snapshot?: string;
  keep?: boolean;
  json?: boolean;
  confirm?: string;
  timeout: string;
}

// the sandbox's restores take tens of seconds: look more often than RDS's 10 s
const SANDBOX_POLL_MS = 2_000;
const HEARTBEAT_MS = 60_000;

interface Stage {
  opened: OpenedEnvironment;
  ctx: RdsActionContext;
  close: () => Promise<void>;
  /** the sandbox's wiring of its databases, for `drill backup` */
  endpoints?: (base: DrillEndpoints) => DrillEndpoints;
  note?: string;
}

/** The environment, its RDS port and clock; in the sandbox, OPSDECK_SANDBOX_SPEED=N runs its time N times faster. */
async function stage(io: ActionIo, g: GlobalOptions, withDatabases: boolean, check: (opened: OpenedEnvironment) => void = () => {}): Promise<Stage> {
  const opened = await openEnvironment(g, io.env);
  const closers: (() => Promise<void>)[] = [() => opened.sources.close()];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch(() => undefined);
  };
  try {
    // before anything slow: a typo in the instance is one line at once
    check(opened);
    if (!opened.sandbox) {
      const rds = opened.rdsControl;
      if (!rds) throw new UserError(`${opened.info.name} configures no AWS to run a drill against`, EXIT.config);
      await resolveIdentity(opened);
      return { opened, ctx: { env: opened.info, now: () => systemClock.now(), sleep, rds }, close };
    }
    const speed = Number(io.env.OPSDECK_SANDBOX_SPEED || '1');
    if (!(speed >= 1 && speed <= 1000)) throw new UserError(`OPSDECK_SANDBOX_SPEED is "${io.env.OPSDECK_SANDBOX_SPEED}"; use a number from 1 to 1000`, EXIT.usage);
    let sandbox = opened.sandbox;
    let clock: Clock = systemClock;
    if (speed !== 1) {
      clock = scaledClock(Date.now(), speed);
      sandbox = createSandbox({ scenario: sandbox.scenario, seed: sandbox.seed, clock });
      closers.push(() => sandbox.sources.close());
    }
    let rds: RdsControl = sandboxRdsControl(sandbox);
    const out: Stage = { opened, ctx: { env: opened.info, now: () => clock.now(), sleep: (ms, s) => sleep(Math.min(ms, SANDBOX_POLL_MS) / speed, s), rds }, close };
    if (withDatabases) {
      // loaded only here: `opsdeck demo` and `check` never parse pg's server side or PGlite
      const { attachDrillDatabase, drillDatabaseOptionsFromEnv } = await import('../sources/sandbox/drillDatabase.js');
      let options;
      try {
        options = drillDatabaseOptionsFromEnv(io.env);
      } catch (err) {
        throw new UserError(errorMessage(err), EXIT.usage);
      }
      let db;
      try {
        db = await attachDrillDatabase(sandbox, options);
      } catch (err) {
        throw new UserError(`the sandbox could not set up its databases: ${errorMessage(err)}`, EXIT.failed);
      }
      closers.push(() => db.close());
      rds = db.control(rds);
      out.ctx.rds = rds;
      out.endpoints = (base) => db.endpoints(base);
      out.note = `the sandbox's databases: ${db.where}`;
    }
    return out;
  } catch (err) {
    await close();
    throw err;
  }
}

/** First ctrl-c (or SIGTERM) aborts `drill`; the second aborts `cleanup`. */
function interrupts(io: ActionIo, first: string) {
  const drill = new AbortController();
  const cleanup = new AbortController();
  const on = (name: NodeJS.Signals) => {
    const why = name === 'SIGINT' ? 'ctrl-c' : name;
    if (!drill.signal.aborted) {
      io.stderr.write(`opsdeck: ${first}\n`);
      drill.abort(new Error(why));
    } else cleanup.abort(new Error(`${why} again`));
  };
  process.on('SIGINT', on);
  process.on('SIGTERM', on);
  return { drill: drill.signal, cleanup: cleanup.signal, dispose: () => (process.removeListener('SIGINT', on), process.removeListener('SIGTERM', on)) };
}

async function ask(io: ActionIo, phrase: string): Promise<string | undefined> {
  const rl = createInterface({ input: process.stdin, output: io.stderr });
  // ctrl-c at the prompt cancels: the terminal's ^C reaches readline, not the process
  const cancel = new AbortController();
  rl.on('SIGINT', () => cancel.abort());
  try {
    const answer = await rl.question(`Type ${phrase} to start the backup drill (Enter alone cancels): `, { signal: cancel.signal }).catch(() => '');
    return answer === '' ? undefined : answer;
  } finally {
    rl.close();
  }
}

async function backup(io: ActionIo, g: GlobalOptions, flags: BackupFlags, instance: string): Promise<number> {
  const timeoutMs = parseDuration(flags.timeout, '--timeout');
  const sig = interrupts(io, 'stopping the drill: deleting what it created (ctrl-c again leaves that to `opsdeck drill cleanup`)');
  let drill: DrillConfig | undefined;
  let s: Stage | undefined;
  let deps: Awaited<ReturnType<typeof executorDeps>> | undefined;
  try {
    s = await stage(io, g, true, (opened) => {
      const entry = opened.config.rds.find((r) => r.instance === instance);
      if (!entry) throw new UserError(`${instance} is not among ${opened.info.name}'s RDS instances (${opened.config.rds.map((r) => r.instance).join(', ') || 'none configured'})`, EXIT.usage);
      if (!entry.drill) throw new UserError(`${instance} has no drill section in the config; add rds[].drill with database, user, tables and assertions`, EXIT.config);
      drill = entry.drill;
    });
    if (sig.drill.aborted) throw new UserError('interrupted before the drill started: nothing was created', DRILL_EXIT.interrupted);
    const { opened, ctx } = s;
    if (s.note) io.stderr.write(`opsdeck: ${s.note}\n`);
    let confirm = flags.confirm;
    const phrase = drillPhrase(opened.info, instance);
    if (phrase !== undefined && confirm === undefined && io.isTTY && !opened.info.readOnly) confirm = await ask(io, phrase);
    deps = await executorDeps(opened, io.env, (w) => io.stderr.write(`opsdeck: ${w}\n`));
    const base = rdsEndpoints(ctx.rds, drill!);
    const out = flags.json ? io.stderr : io.stdout;
    let last = '';
    let lastAt = 0;
    const report = await runDrill(
      { ctx, executor: deps, endpoints: s.endpoints ? s.endpoints(base) : base, env: io.env },
      {
        instance,
        drill: drill!,
        timeoutMs,
        ...(flags.snapshot !== undefined ? { snapshot: flags.snapshot } : {}),
        ...(flags.keep ? { keep: true } : {}),
        ...(confirm !== undefined ? { confirm } : {}),
        signal: sig.drill,
        cleanupSignal: sig.cleanup,
        onProgress: (p) => {
          if (p.status === 'running') return;
          if (p.status === 'progress') {
            // a new state, or a sign of life every minute: not a line per poll
            const what = p.message.replace(/ \((?:\d+ h )?\d+ (?:s|min)\)$/, '');
            if (what !== last || Date.now() - lastAt >= HEARTBEAT_MS) {
              io.stderr.write(`           … ${oneLine(p.message)}\n`);
              last = what;
              lastAt = Date.now();
            }
            return;
          }
          out.write(stepLine({ ...p, status: p.status }) + '\n');
        },
      },
    ).catch((err: unknown) => {
      if (err instanceof DrillRefused) throw new UserError(`refused: ${err.message}`, DRILL_EXIT.incomplete);
      throw err;
    });
    if (flags.json) io.stdout.write(JSON.stringify(report, null, 2) + '\n');
    else io.stdout.write(verdictLines(report).join('\n') + '\n');
    return DRILL_EXIT[report.outcome];
  } finally {
    sig.dispose();
    await deps?.close();
    await s?.close();
  }
}

async function cleanup(io: ActionIo, g: GlobalOptions, flags: { json?: boolean }): Promise<number> {
  const s = await stage(io, g, false);
  const sig = interrupts(io, 'stopping the clean-up; what is left stays listed for the next run');
  let deps: Awaited<ReturnType<typeof executorDeps>> | undefined;
  try {
    deps = await executorDeps(s.opened, io.env, (w) => io.stderr.write(`opsdeck: ${w}\n`));
    const results = await cleanupLeftovers(
      { ctx: s.ctx, executor: deps },
      {
        signal: sig.drill,
        env: io.env,
        onProgress: (line) => io.stderr.write(`           … ${oneLine(line)}\n`),
        onResult: (r) => flags.json || io.stdout.write(leftoverLine(r) + '\n'),
      },
    );
    if (flags.json) io.stdout.write(JSON.stringify(results, null, 2) + '\n');
    else if (results.length === 0) io.stdout.write(`nothing to clean up: no interrupted drill left a record in ${pendingDir(io.env)}\n`);
    return cleanupExitCode(results);
  } catch (err) {
    if (sig.drill.aborted) throw new UserError('the clean-up was interrupted; run `opsdeck drill cleanup` again', EXIT.failed);
    throw err;
  } finally {
    sig.dispose();
    await deps?.close();
    await s.close();
  }
}

export function drillCommands(program: Command, io: ActionIo): void {
  const drill = program.command('drill').description('backup drills: restore a snapshot to a new instance, verify it against production, delete it');

  drill
    .command('backup <instance>')
    .description('restore the newest automated snapshot, verify tables, row counts and assertions, report PARITY and RTO; exit 0 parity 100 %, 1 a check failed, 2 incomplete')
    .option('--snapshot <id>', 'restore this snapshot instead of the newest automated one')
    .option('--keep', 'leave the drill instance running (`opsdeck drill cleanup` deletes it later)')
    .option('--confirm <phrase>', 'in a protected environment: ENV/INSTANCE (with --write)')
    .option('--json', 'print the report as JSON (steps go to stderr)')
    .addOption(new Option('--timeout <duration>', 'how long the restore may take to become available').default('90m'))
    .action(async (instance: string, flags: BackupFlags, cmd: Command) => {
      rdsInstanceId(instance, 'instance');
      if (flags.snapshot !== undefined) rdsSnapshotId(flags.snapshot, '--snapshot');
      io.setCode(await backup(io, cmd.optsWithGlobals<GlobalOptions>(), flags, instance));
    });

  drill
    .command('cleanup')
    .description('delete what interrupted drills left behind: only instances carrying their opsdeck:drill tag')
    .option('--json', 'print the results as JSON')
    .action(async (flags: { json?: boolean }, cmd: Command) => {
      io.setCode(await cleanup(io, cmd.optsWithGlobals<GlobalOptions>(), flags));
    });
}
