/**
 * `opsdeck drill backup INSTANCE` and `opsdeck drill cleanup`. The drill is
 * an action the executor guards (src/drills/action.ts): naming the instance
 * starts it, since all it changes is a new instance it tags and deletes
 * again. A protected environment asks for ENV/INSTANCE as well (typed, or
 * --confirm in a script), and --write as for every action there. Each delete
 * `drill cleanup` makes is confirmed by the operator the same way. Ctrl-C stops waiting and deletes what the drill
 * created when RDS lets it; a second ctrl-C leaves that to `drill cleanup`.
 * Exit: 0 parity 100 %, 1 a check failed, 2 the drill could not complete.
 */
import { createInterface } from 'node:readline/promises';
import { Option, type Command } from 'commander';
import type { RdsActionContext } from '../actions/rds/context.js';
import { StageError } from '../sources/backend.js';
import { cleanupExitCode, cleanupLeftovers } from '../drills/cleanup.js';
import { leftoverLine, stepLine, verdictLines } from '../drills/format.js';
import { DrillRefused, runDrill } from '../drills/drill.js';
import { pendingDir } from '../drills/records.js';
import { historyPath } from '../drills/history.js';
import { historyTable, rtoTrends, trendLine } from '../drills/historyFormat.js';
import { loadDrillHistory, uploadDrillHistory } from '../drills/historySource.js';
import { drillPhrase, rdsEndpoints, type DrillEndpoints } from '../drills/setup.js';
import { DRILL_EXIT, type DrillConfig } from '../drills/types.js';
import { oneLine } from '../text/sanitize.js';
import type { ActionIo } from './actionCommands.js';
import { executorDeps } from './actionSetup.js';
import { parseTimeout } from './duration.js';
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

const HEARTBEAT_MS = 60_000;

interface Stage {
  opened: OpenedEnvironment;
  ctx: RdsActionContext;
  close: () => Promise<void>;
  /** the backend's wiring of the databases a drill connects to */
  endpoints: (base: DrillEndpoints) => DrillEndpoints;
  note?: string;
}

const STAGE_EXIT = { usage: EXIT.usage, config: EXIT.config, failed: EXIT.failed } as const;

/** The environment, and what its backend runs a drill on (the sandbox: OPSDECK_SANDBOX_SPEED=N runs its time N times faster). */
async function stage(io: ActionIo, g: GlobalOptions, withDatabases: boolean, check: (opened: OpenedEnvironment) => void = () => {}): Promise<Stage> {
  const opened = await openEnvironment(g, io.env);
  try {
    // before anything slow: a typo in the instance is one line at once
    check(opened);
    let drill;
    try {
      drill = await opened.drillStage(io.env, withDatabases);
    } catch (err) {
      if (err instanceof StageError) throw new UserError(err.message, STAGE_EXIT[err.kind]);
      throw err;
    }
    await resolveIdentity(opened);
    const close = async () => {
      await drill.close().catch(() => undefined);
      await opened.sources.close().catch(() => undefined);
    };
    return { opened, ctx: { env: opened.info, now: drill.now, sleep: drill.sleep, rds: drill.rds }, close, endpoints: drill.endpoints, ...(drill.note ? { note: drill.note } : {}) };
  } catch (err) {
    await opened.sources.close().catch(() => undefined);
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

async function ask(io: ActionIo, phrase: string, what: string): Promise<string | undefined> {
  const rl = createInterface({ input: process.stdin, output: io.stderr });
  // ctrl-c at the prompt cancels: the terminal's ^C reaches readline, not the process
  const cancel = new AbortController();
  rl.on('SIGINT', () => cancel.abort());
  try {
    const answer = await rl.question(`Type ${phrase} to ${what} (Enter alone cancels): `, { signal: cancel.signal }).catch(() => '');
    return answer === '' ? undefined : answer;
  } finally {
    rl.close();
  }
}

async function backup(io: ActionIo, g: GlobalOptions, flags: BackupFlags, instance: string): Promise<number> {
  const timeoutMs = parseTimeout(flags.timeout, '--timeout');
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
    if (phrase !== undefined && confirm === undefined && io.isTTY && !opened.info.readOnly) confirm = await ask(io, phrase, 'start the backup drill');
    deps = await executorDeps(opened, io.env, (w) => io.stderr.write(`opsdeck: ${w}\n`));
    const base = rdsEndpoints(ctx.rds, drill!);
    const out = flags.json ? io.stderr : io.stdout;
    let last = '';
    let lastAt = 0;
    const report = await runDrill(
      { ctx, executor: deps, endpoints: s.endpoints(base), env: io.env },
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
    if (opened.teamStore) await uploadDrillHistory({ environment: opened.info.name, teamStore: opened.teamStore, processEnv: io.env, warn: (w) => io.stderr.write(`opsdeck: ${oneLine(w)}\n`) });
    if (flags.json) io.stdout.write(JSON.stringify(report, null, 2) + '\n');
    else io.stdout.write(verdictLines(report).join('\n') + '\n');
    return DRILL_EXIT[report.outcome];
  } finally {
    sig.dispose();
    await deps?.close();
    await s?.close();
  }
}

interface CleanupFlags {
  json?: boolean;
  confirm?: string;
}

async function cleanup(io: ActionIo, g: GlobalOptions, flags: CleanupFlags): Promise<number> {
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
        confirm: async (plan) => flags.confirm ?? (io.isTTY ? ask(io, plan.phrase, `delete ${plan.target.display}`) : undefined),
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

interface HistoryFlags {
  json?: boolean;
  limit: string;
}

async function history(io: ActionIo, g: GlobalOptions, flags: HistoryFlags, instance: string | undefined): Promise<number> {
  const limit = Number(flags.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new UserError(`--limit: "${flags.limit}" is not a whole number of drills; write e.g. --limit 20`, EXIT.usage);
  const opened = await openEnvironment(g, io.env);
  try {
    const loaded = await loadDrillHistory({
      environment: opened.info.name,
      ...(opened.teamStore ? { teamStore: opened.teamStore } : {}),
      ...(opened.seededDrills ? { seeded: opened.seededDrills() } : {}),
      processEnv: io.env,
      warn: (w) => io.stderr.write(`opsdeck: ${oneLine(w)}\n`),
    });
    const drills = loaded.drills.filter((d) => instance === undefined || d.instance === instance).slice(-limit);
    const trends = rtoTrends(drills);
    if (flags.json) {
      io.stdout.write(JSON.stringify({ environment: opened.info.name, from: loaded.from, uploaded: loaded.uploaded, drills, trends }, null, 2) + '\n');
      return EXIT.ok;
    }
    if (loaded.uploaded > 0) io.stderr.write(`opsdeck: sent ${loaded.uploaded} drill report${loaded.uploaded === 1 ? '' : 's'} recorded here while the team store was away\n`);
    if (drills.length === 0) {
      io.stdout.write(`no drill on record for ${opened.info.name}${instance ? `/${instance}` : ''} (${loaded.from === 'team store' ? 'team store' : historyPath(io.env)}); run: opsdeck drill backup INSTANCE\n`);
      return EXIT.ok;
    }
    const lines = [...historyTable(drills), ''];
    if (trends.length === 0) lines.push('RTO trend: no successful drill among these');
    else lines.push(...trends.map(trendLine));
    lines.push(`(${drills.length} drill${drills.length === 1 ? '' : 's'}, from the ${loaded.from === 'team store' ? 'team store' : `local history ${historyPath(io.env)}`})`);
    io.stdout.write(lines.join('\n') + '\n');
    return EXIT.ok;
  } finally {
    await opened.sources.close();
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
    .command('history [instance]')
    .description('the drills on record (the team store\'s when configured, else this machine\'s): date, snapshot, outcome, RTO, who, and the RTO trend')
    .option('--json', 'print the drills and the trend as JSON')
    .option('--limit <n>', 'the newest N drills', '20')
    .action(async (instance: string | undefined, flags: HistoryFlags, cmd: Command) => {
      if (instance !== undefined) rdsInstanceId(instance, 'instance');
      io.setCode(await history(io, cmd.optsWithGlobals<GlobalOptions>(), flags, instance));
    });

  drill
    .command('cleanup')
    .description('delete what interrupted drills left behind: only instances carrying their opsdeck:drill tag')
    .option('--confirm <phrase>', 'the deletion\'s phrase: the drill instance (ENV/INSTANCE when protected); asked for on a terminal')
    .option('--json', 'print the results as JSON')
    .action(async (flags: CleanupFlags, cmd: Command) => {
      io.setCode(await cleanup(io, cmd.optsWithGlobals<GlobalOptions>(), flags));
    });
}
