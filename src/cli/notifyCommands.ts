/**
 * `opsdeck notify test|status` and what `check --notify` adds to the check.
 * Targets are named by their place and kind ("notify[0] slack"), never by
 * URL or key.
 */
import { homedir } from 'node:os';
import type { Command } from 'commander';
import type { NotifyTargetConfig } from '../config/schema.js';
import type { CheckReport } from '../checks/run.js';
import { ConfigError } from '../config/errors.js';
import { currentOperator } from '../audit/record.js';
import { notifyCheckChange } from '../notify/checkChange.js';
import { readFailures } from '../notify/log.js';
import { Notifier } from '../notify/notifier.js';
import { environmentNotifier } from '../notify/setup.js';
import { notifyTargets } from '../notify/targets.js';
import { oneLine } from '../text/sanitize.js';
import type { ActionIo } from './actionCommands.js';
import { demoNotifyTargets, type GlobalOptions, type OpenedEnvironment } from './environment.js';
import { EXIT, UserError } from './exit.js';

const SHOWN_FAILURES = 5;
// a test is run by a person waiting for the answer: a little longer than an exit's flush
const TEST_WAIT_MS = 15_000;

/** The environment the flags choose and its targets, read from the config alone (no system is contacted). */
async function chosenTargets(g: GlobalOptions, env: NodeJS.ProcessEnv): Promise<{ name: string; targets: NotifyTargetConfig[] }> {
  if (g.demo) return { name: 'demo', targets: (await demoNotifyTargets(g, env)) ?? [] };
  const { loadConfig, selectEnvironment } = await import('../config/load.js');
  try {
    const selected = selectEnvironment(loadConfig({ explicit: g.config, env, cwd: process.cwd(), home: homedir() }).config, g.env);
    return { name: selected.name, targets: selected.env.notify ?? [] };
  } catch (err) {
    if (err instanceof ConfigError) throw new UserError(err.problems.join('\n'), EXIT.config);
    throw err;
  }
}

function noTargets(name: string, demo: boolean): UserError {
  const how = demo ? 'the demo sends to the notify: list of the demo environment of the file given with --config' : `add a notify: list to environment ${name} in the config (see the README, "Notifications")`;
  return new UserError(`environment ${name} has no notification targets; ${how}`, EXIT.config);
}

function describe(t: NotifyTargetConfig, label: string): string {
  return `${label}${t.events ? ` (events: ${t.events.join(', ')})` : ' (every event)'}`;
}

export function notifyCommands(program: Command, io: ActionIo): void {
  const notify = program.command('notify').description('notifications to Slack, PagerDuty and webhooks: send a test, see what failed');

  notify
    .command('test')
    .description("send a test notification to every target of the environment; exit 1 when one of them did not take it")
    .action(async (_o, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const { name, targets } = await chosenTargets(g, io.env);
      if (targets.length === 0) throw noTargets(name, Boolean(g.demo));
      const notifier = new Notifier({ env: io.env }).configure(name, notifyTargets(targets));
      const op = currentOperator();
      const posted = notifier.post({ event: 'test', environment: name, at: new Date().toISOString(), operator: `${op.user}@${op.host}`, message: `test notification from opsdeck for environment ${name}` });
      await notifier.flush(TEST_WAIT_MS);
      const results = await posted;
      for (const r of results) io.stdout.write(r.ok ? `${r.target}: delivered\n` : `${r.error}\n`);
      io.setCode(results.every((r) => r.ok) ? EXIT.ok : EXIT.refused);
    });

  notify
    .command('status')
    .description('the targets of the environment and the notifications that could not be delivered (from the notify log in the state directory)')
    .option('--json', 'print it as JSON')
    .action(async (flags: { json?: boolean }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions & { json?: boolean }>();
      const { name, targets } = await chosenTargets(g, io.env);
      const labels = notifyTargets(targets).map((t) => t.label);
      const failures = (await readFailures(io.env)).filter((f) => f.environment === name);
      if (flags.json || g.json) {
        io.stdout.write(JSON.stringify({ environment: name, targets: targets.map((t, i) => ({ target: labels[i], kind: t.kind, events: t.events ?? null })), failures: failures.length, lastFailures: failures.slice(-SHOWN_FAILURES) }, null, 2) + '\n');
        io.setCode(EXIT.ok);
        return;
      }
      const lines = [`notifications of ${name}:`];
      if (targets.length === 0) lines.push('  no targets (add notify: to the environment in the config)');
      targets.forEach((t, i) => lines.push(`  ${describe(t, labels[i]!)}`));
      lines.push(failures.length === 0 ? '  no delivery has failed' : `  ${failures.length} delivery failure(s) recorded; the last ${Math.min(SHOWN_FAILURES, failures.length)}:`);
      for (const f of failures.slice(-SHOWN_FAILURES)) lines.push(`    ${f.at} ${f.target} ${f.event}: ${oneLine(f.error, 200)}`);
      io.stdout.write(lines.join('\n') + '\n');
      io.setCode(EXIT.ok);
    });
}

/**
 * `check --notify`: the targets that were last told another worst severity
 * are told this one; one line on stderr says who. The check's exit code is
 * unchanged: cron and monitoring read it.
 */
export async function checkNotify(report: CheckReport, opened: OpenedEnvironment, io: Pick<ActionIo, 'stderr' | 'env'>, demo: boolean): Promise<void> {
  const notifier = environmentNotifier(opened, { env: io.env, onFailure: (line) => io.stderr.write(`opsdeck: ${line}\n`) });
  if (!notifier.has(opened.info.name)) {
    io.stderr.write(`opsdeck: --notify: ${noTargets(opened.info.name, demo).message}\n`);
    return;
  }
  const out = await notifyCheckChange(report, notifier, io.env);
  if (out.told.length) io.stderr.write(`opsdeck: --notify: told ${out.told.join(', ')} that the worst severity is now ${report.status}\n`);
  if (out.unchanged.length) io.stderr.write(`opsdeck: --notify: ${out.unchanged.join(', ')}: worst severity still ${report.status}, nothing sent\n`);
}
