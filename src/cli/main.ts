/**
 * The command line. Every path returns an exit code to the entry, which is
 * the one place the process ends; errors meant for the user are one line.
 */
import { Command, CommanderError, Option } from 'commander';
import { systemClock } from '../engine/clock.js';
import { runChecklist } from '../checks/checklist.js';
import { loadDrillHistory } from '../drills/historySource.js';
import { formatReport, ANSI_PAINT, NO_PAINT, type ReportFormat } from '../checks/format.js';
import { errorMessage, oneLine, scrubOutput } from '../text/sanitize.js';
import { redact } from '../text/redact.js';
import { SCENARIOS, type Scenario } from '../sources/sandbox/index.js';
import { EXIT, UserError } from './exit.js';
import { useDemoStateDir } from '../state/paths.js';
import { VERSION } from './version.js';
import { openEnvironment, type GlobalOptions } from './environment.js';
import { configCommands } from './configCommands.js';
import { actionCommands } from './actionCommands.js';
import { drillCommands } from './drillCommands.js';
import { rdsCommands } from './rdsCommands.js';
import { queueCommands } from './queueCommands.js';
import { pgCommands } from './pgCommands.js';
import { incidentCommands } from './incidentCommands.js';
import { approvalCommands } from './approvalCommands.js';
import { autoscalingCommands } from './autoscalingCommands.js';
import { setEnvCommand } from './setEnvCommand.js';
import { taskCommands } from './taskCommands.js';
import { initCommand } from './initCommand.js';
import { lockCommands } from './lockCommands.js';
import { runbookCommands, configPath } from './runbookCommands.js';
import { checkNotify, notifyCommands } from './notifyCommands.js';
import { parseDuration, parseTimeout } from './duration.js';
import { configuredNames, DEMO_ENVIRONMENT, fleetNames, formatFleet, isFleetSpec, runFleetCheck } from './fleetCheck.js';
import type { LaunchTui } from '../dashboard/ports.js';

/** What each sandbox scenario stages, for `demo --help`. */
const SCENARIO_HELP: Record<Scenario, string> = {
  calm: 'nothing wrong: every check ok (the default)',
  'error-spike': 'bursts of API errors in the logs, above 5 %',
  'bad-deploy': 'a new api revision whose tasks keep crashing: a renamed secret; roll it back',
  'dlq-backlog': 'the emails queue\'s SMTP times out: failed jobs pile up; requeue them',
  'db-saturation': 'leaked connections fill PostgreSQL, a lock chain blocks queries, RDS CPU high',
  'unsafe-scale': 'the scheduler runs 3 tasks where the topology rule allows 1',
};

interface MainDeps {
  launchTui: LaunchTui;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
  env?: NodeJS.ProcessEnv;
  isTTY?: boolean;
}

function wantsColor(opts: GlobalOptions, env: NodeJS.ProcessEnv, stream: NodeJS.WriteStream): boolean {
  if (opts.color === false) return false;
  // https://no-color.org: present and not empty disables colour
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true && (typeof stream.hasColors !== 'function' || stream.hasColors());
}

/**
 * The stream with every write passed through `scrubOutput`: secrets masked,
 * and on anything but a colour terminal no control byte at all.
 */
function scrubbed(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv): NodeJS.WriteStream {
  const terminalCodes = stream.isTTY === true && (env.NO_COLOR === undefined || env.NO_COLOR === '');
  const write = (chunk: unknown, ...rest: unknown[]): boolean =>
    (stream.write as (...a: unknown[]) => boolean)(typeof chunk === 'string' ? scrubOutput(chunk, terminalCodes) : chunk, ...rest);
  return new Proxy(stream, {
    get(target, prop) {
      if (prop === 'write') return write;
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/**
 * An error nobody caught (a crash inside the dashboard, a callback of a
 * client library) ends the program with one redacted line, never a stack
 * that may quote a password: written on `exit`, after the dashboard has
 * given the terminal back, so it stays readable.
 */
function installCrashHandlers(stderr: NodeJS.WriteStream, env: NodeJS.ProcessEnv): void {
  let crashed = false;
  const onCrash = (err: unknown) => {
    if (crashed) return;
    crashed = true;
    process.once('exit', () => {
      stderr.write(`opsdeck: unexpected error: ${errorMessage(err)}\n`);
      if (env.OPSDECK_DEBUG && err instanceof Error && err.stack) stderr.write(`${redact(err.stack)}\n`);
    });
    process.exit(EXIT.software);
  };
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
}

export async function main(argv: string[], deps: MainDeps): Promise<number> {
  // a copy when given: the sandbox's state directory is set in it (below) and must not leak into the caller's
  const env = deps.env ? { ...deps.env } : process.env;
  const stdout = scrubbed(deps.stdout ?? process.stdout, env);
  const stderr = scrubbed(deps.stderr ?? process.stderr, env);
  if (!deps.stdout) installCrashHandlers(stderr, env);
  const isTTY = deps.isTTY ?? (process.stdout.isTTY === true && process.stdin.isTTY === true);
  let code: number = EXIT.ok;

  const program = new Command('opsdeck')
    .description('A terminal operations console: ECS, RDS, logs, queues, PostgreSQL and health checks, with guarded actions.')
    .version(VERSION, '--version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .option('--config <file>', 'config file (default: $OPSDECK_CONFIG, ./opsdeck.yaml, ~/.config/opsdeck/config.yaml)')
    .option('--env <name>', 'environment of the config to use (check: also all, or a comma list)')
    .option('--demo', 'run against the built-in sandbox instead of real systems')
    .addOption(new Option('--scenario <name>', 'sandbox scenario (with --demo)').choices([...SCENARIOS]))
    .option('--region <region>', 'AWS region (default: the config, then AWS_REGION and ~/.aws/config)')
    .option('--profile <profile>', 'AWS profile (default: the config, then AWS_PROFILE)')
    .option('--since <duration>', 'how far back the log tail starts (default 15m), and what check counts (default: since the last checklist), e.g. 12h')
    .option('--read-only', 'refuse every action that changes something')
    .option('--write', 'allow actions in a protected environment')
    .option('--local-lock', "when the environment's Redis does not answer: lock with a file on this machine instead (journaled; guards nobody elsewhere)")
    .option('--no-color', 'draw without colour (also NO_COLOR=1)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => stdout.write(s),
      writeErr: (s) => stderr.write(s),
      // commander quotes the offending argument as typed
      outputError: (s) => stderr.write(`opsdeck: ${oneLine(s.replace(/^error: /, '').trimEnd())} (see opsdeck --help)\n`),
    });

  // The sandbox never writes the real journal, incidents, drills or checklist
  // memory: every --demo command (and `demo`) runs on its own state directory,
  // chosen here, once, before any command reads the environment.
  let demoState: { demo: string; real: string } | undefined;
  program.hook('preAction', (_program, command) => {
    if (demoState === undefined && (command.name() === 'demo' || command.optsWithGlobals<GlobalOptions>().demo)) demoState = useDemoStateDir(env);
  });

  const tui = async (opts: GlobalOptions): Promise<number> => {
    if (!isTTY) throw new UserError('the dashboard needs a terminal; for a one-shot report use `opsdeck check` (add --demo for the sandbox)', EXIT.usage);
    const first = await openEnvironment(opts, env);
    const logSinceMs = parseDuration(opts.since ?? '15m', '--since');
    const { runDashboard } = await import('../dashboard/run.js');
    const { configEnvironmentNames } = await import('../dashboard/sessions.js');
    await runDashboard({
      first,
      open: (name) => openEnvironment({ ...opts, env: name }, env),
      names: first.switchUnavailable ? [first.info.name] : await configEnvironmentNames(opts, env),
      ...(first.switchUnavailable ? { unavailable: first.switchUnavailable } : {}),
      processEnv: env,
      logSinceMs,
      noColor: !wantsColor(opts, env, stdout),
      launch: deps.launchTui,
      report: (line) => stderr.write(`opsdeck: ${oneLine(line)}\n`),
      configPath: configPath(opts, env),
    });
    if (demoState) stderr.write(`opsdeck: the demo kept its journal and incidents in ${demoState.demo}; ${demoState.real} was not touched\n`);
    return EXIT.ok;
  };

  program.action(async () => {
    // excess arguments are allowed on the program alone (below), so that a mistyped command is named as one
    const [first] = program.args;
    if (first !== undefined) {
      const names = program.commands.map((c) => c.name()).filter((n) => n !== 'help');
      throw new UserError(`unknown command '${oneLine(first, 40)}'; the commands are: ${names.join(', ')} (see opsdeck --help)`, EXIT.usage);
    }
    code = await tui(program.opts<GlobalOptions>());
  });

  const scenarioWidth = Math.max(...SCENARIOS.map((s) => s.length));
  program
    .command('demo')
    .description('open the dashboard on the built-in sandbox (no AWS needed); its records stay apart from yours')
    // --scenario is the program's (every --demo command takes it); shown here too, where people look for it
    .addHelpText('after', [
      '',
      'Options of every command that matter here:',
      '  --scenario <name>   what the sandbox stages (default: calm), one of:',
      ...SCENARIOS.map((s) => `    ${s.padEnd(scenarioWidth)}  ${SCENARIO_HELP[s]}`),
      '  --read-only         refuse every action that changes something',
      '',
      'Example: opsdeck demo --scenario bad-deploy',
      'The demo keeps its journal, incidents and drills in the state directory\'s "-demo" twin (e.g. ~/.local/state/opsdeck-demo).',
    ].join('\n'))
    .action(async (_o, cmd: Command) => {
      code = await tui({ ...cmd.optsWithGlobals<GlobalOptions>(), demo: true });
    });

  program
    .command('check')
    .description('run every check once and print a checklist; errors and failed tasks count since the last run (or --since); exit 0 ok, 1 warn, 2 critical, 3 unknown')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'))
    .option('--timeout <duration>', 'give up on a source after this long', '10s')
    .option('--notify', "for cron: tell the environment's notification targets when the worst severity changed since the last check --notify")
    .action(async (o: { format: ReportFormat; timeout: string; notify?: boolean }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const sinceMs = g.since === undefined ? undefined : parseDuration(g.since, '--since');
      const timeoutMs = parseTimeout(o.timeout, '--timeout');
      if (isFleetSpec(g.env)) {
        code = await fleetCheck(g, o, { timeoutMs, ...(sinceMs !== undefined ? { sinceMs } : {}) });
        return;
      }
      const opened = await openEnvironment(g, env, { oneShot: true });
      try {
        const warn = (line: string) => stderr.write(`opsdeck: ${oneLine(line)}\n`);
        // only where a drill is configured: no store round trip for an environment with nothing to judge
        const drills = !opened.config.rds.some((r) => r.drill) ? undefined : await loadDrillHistory({ environment: opened.info.name, ...(opened.teamStore ? { teamStore: opened.teamStore } : {}), ...(opened.seededDrills ? { seeded: opened.seededDrills() } : {}), processEnv: env, warn });
        const report = await runChecklist({
          ...(drills ? { drills: drills.drills } : {}),
          sources: opened.sources, environment: opened.info.name, config: opened.config, now: systemClock.now(), timeoutMs, remember: opened.remembersChecklist, processEnv: env,
          ...(sinceMs !== undefined ? { sinceMs } : {}),
          warn: (line) => stderr.write(`opsdeck: ${oneLine(line)}\n`),
        });
        const paint = o.format === 'text' && wantsColor(g, env, stdout) ? ANSI_PAINT : NO_PAINT;
        stdout.write(formatReport(report, o.format, paint));
        if (o.notify) await checkNotify(report, opened, { stderr, env }, Boolean(g.demo));
        code = report.exitCode;
      } finally {
        await opened.sources.close();
      }
    });

  /** `check --env all` / `--env a,b`: one report, a section per environment, the worst exit code. */
  const fleetCheck = async (g: GlobalOptions, o: { format: ReportFormat; notify?: boolean }, t: { timeoutMs: number; sinceMs?: number }): Promise<number> => {
    if (o.notify) throw new UserError('--notify follows one environment: run one check --notify per environment (--env NAME)', EXIT.usage);
    const demo = Boolean(g.demo);
    const names = fleetNames(g.env as string, await configuredNames(g.config, demo, env), demo);
    const real: GlobalOptions = { ...g, demo: false };
    delete real.scenario;
    const report = await runFleetCheck(names, {
      open: (name) => (demo && name === DEMO_ENVIRONMENT ? openEnvironment({ ...g, env: undefined }, env, { oneShot: true }) : openEnvironment({ ...real, demo: false, env: name }, env, { oneShot: true })),
      // with --demo every record goes to the demo's state directory: the real environments' checklist windows stay where they are
      ...t, processEnv: env, remember: !demo,
      warn: (line) => stderr.write(`opsdeck: ${oneLine(line)}\n`),
    });
    stdout.write(formatFleet(report, o.format, o.format === 'text' && wantsColor(g, env, stdout) ? ANSI_PAINT : NO_PAINT));
    return report.exitCode;
  };

  configCommands(program, { stdout, env, setCode: (c) => (code = c) });
  const actionIo = { stdout, stderr, env, isTTY, setCode: (c: number) => (code = c) };
  actionCommands(program, actionIo);
  drillCommands(program, actionIo);
  rdsCommands(program, actionIo);
  queueCommands(program, actionIo);
  pgCommands(program, actionIo);
  incidentCommands(program, actionIo);
  notifyCommands(program, actionIo);
  autoscalingCommands(program, actionIo);
  setEnvCommand(program, actionIo);
  taskCommands(program, actionIo);
  initCommand(program, actionIo);
  lockCommands(program, actionIo);
  approvalCommands(program, actionIo);
  runbookCommands(program, actionIo);

  // after every subcommand exists: they copy this setting when created, and must keep refusing extra arguments
  program.allowExcessArguments(true);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and --version end here too, with code 0
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (err instanceof UserError) {
      // messages quote arguments and config values as given
      for (const line of err.message.split('\n')) stderr.write(`opsdeck: ${oneLine(line)}\n`);
      return err.exitCode;
    }
    stderr.write(`opsdeck: unexpected error: ${errorMessage(err)}\n`);
    if (env.OPSDECK_DEBUG && err instanceof Error && err.stack) stderr.write(`${redact(err.stack)}\n`);
    return EXIT.software;
  }
}
