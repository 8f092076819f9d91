/**
 * `opsdeck scale|rollback|redeploy SERVICE …` and `opsdeck audit`. Every
 * action takes --dry-run (print the plan, change nothing), --confirm PHRASE
 * (run it), --json; without a terminal and without --confirm it is refused.
 */
import { createInterface } from 'node:readline/promises';
import { Option, type Command } from 'commander';
import { scaleAction } from '../actions/ecs/scale.js';
import { rollbackAction } from '../actions/ecs/rollback.js';
import type { RollbackTo } from '../actions/ecs/rollbackTarget.js';
import { oneLine } from '../text/sanitize.js';
import { redeployAction } from '../actions/ecs/redeploy.js';
import { runAction, ACTION_EXIT } from '../actions/executor.js';
import { planJson, planLines, resultJson } from '../actions/format.js';
import type { ActionContext, ActionDefinition } from '../actions/types.js';
import type { EcsActionContext } from '../actions/ecs/context.js';
import { AuditJournal } from '../audit/journal.js';
import { reconcileJournal, registerAuditCommand } from './auditCommand.js';
import { formatPending, pendingFor, pendingIntents, pendingWarning, reconcile, ReconcileError, type ReconcileJournal } from '../audit/reconcile.js';
import { currentStates } from './reconcileState.js';
import { walkPending } from './reconcileWalk.js';
import { errorMessage } from '../text/sanitize.js';
import { clusterOf, ecsActionContext, executorDeps, readConditionFacts } from './actionSetup.js';
import { openEnvironment, resolveIdentity, type GlobalOptions, type OpenedEnvironment } from './environment.js';
import { parseTimeout } from './duration.js';
import { ecsName, wholeNumber } from './arguments.js';
import { EXIT, UserError } from './exit.js';
import { requestApproval, waitApprovalMs } from './approvalCommands.js';

export interface ActionFlags {
  cluster?: string;
  dryRun?: boolean;
  confirm?: string;
  json?: boolean;
  timeout: string;
  /** the two-person rule: the request whose approval this run uses */
  approval?: string;
  breakGlass?: string;
  reason?: string;
  waitApproval?: string;
}

export interface ActionIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
  isTTY: boolean;
  setCode(code: number): void;
}

export function withActionFlags(cmd: Command, timeout = '10m'): Command {
  return cmd
    .option('--dry-run', 'print the plan and change nothing')
    .option('--confirm <phrase>', 'run without asking; the phrase must match exactly (see --dry-run)')
    .option('--json', 'print the plan or the result as JSON')
    .option('--reason <text>', 'why, for the journal (and the approver); required where the environment asks for approvals')
    .option('--approval <id>', 'run with the approval of this request (see opsdeck approvals)')
    .option('--wait-approval <duration>', 'where approvals are required: record the request, wait this long for it, then run')
    .option('--break-glass <reason>', 'bypass the two-person rule, for this reason: journaled and notified loudly')
    .addOption(new Option('--timeout <duration>', 'how long to watch the change take effect').default(timeout));
}

export function withClusterFlag(cmd: Command): Command {
  return cmd.option('--cluster <name>', 'the cluster, when the service name is in more than one');
}

export async function ask(io: ActionIo, phrase: string, tier: string): Promise<string | undefined> {
  const rl = createInterface({ input: process.stdin, output: io.stderr });
  try {
    const prompt = tier === 'reversible' ? 'Go ahead? [y/N] ' : `Type ${phrase} to confirm (Enter alone cancels): `;
    const answer = await rl.question(prompt);
    return answer === '' ? undefined : answer;
  } finally {
    rl.close();
  }
}

/** How a command turns the opened environment into its action's context and arguments. */
export interface ActionSetup<Args, Ctx extends ActionContext> {
  context(opened: OpenedEnvironment): Promise<Ctx>;
  args(opened: OpenedEnvironment, timeoutMs: number): Args;
}

export async function perform<Args, Ctx extends ActionContext>(io: ActionIo, g: GlobalOptions, flags: ActionFlags, action: ActionDefinition<Args, Ctx>, setup: ActionSetup<Args, Ctx>): Promise<number> {
  const timeoutMs = parseTimeout(flags.timeout, '--timeout');
  if (flags.dryRun && flags.confirm !== undefined) throw new UserError('--dry-run and --confirm contradict each other: pick one', EXIT.usage);
  if (flags.approval !== undefined && flags.breakGlass !== undefined) throw new UserError('--approval and --break-glass contradict each other: pick one', EXIT.usage);
  if (flags.breakGlass !== undefined && flags.breakGlass.trim() === '') throw new UserError('--break-glass needs a reason, e.g. --break-glass "db down, approver unreachable"', EXIT.usage);
  const waitMs = waitApprovalMs(flags.waitApproval);
  const opened = await openEnvironment(g, io.env, { oneShot: true });
  const interrupt = new AbortController();
  const onSigint = () => interrupt.abort(new Error('interrupted'));
  process.once('SIGINT', onSigint);
  let deps: Awaited<ReturnType<typeof executorDeps>> | undefined;
  try {
    const args = setup.args(opened, timeoutMs);
    await resolveIdentity(opened);
    const ctx = await setup.context(opened);
    const plan = await action.plan(ctx, args, interrupt.signal);
    // a crash may have left this target half-changed: said before the plan, whatever the mode
    const mine = pendingFor(AuditJournal.open(io.env), plan.environment, plan.target.display);
    const pending = pendingWarning(mine, plan.target.display, mine.length ? await currentStates(opened, mine) : undefined);
    if (pending) io.stderr.write(pending + '\n');
    if (flags.dryRun) {
      io.stdout.write(flags.json ? JSON.stringify(planJson(plan), null, 2) + '\n' : planLines(plan).join('\n') + '\n');
      return plan.refusal ? ACTION_EXIT.refused : EXIT.ok;
    }
    if (!flags.json) io.stderr.write(planLines(plan).join('\n') + '\n');
    let typed = flags.confirm;
    if (typed === undefined && !plan.refusal && !opened.info.readOnly && io.isTTY) typed = await ask(io, plan.phrase, plan.tier);
    deps = await executorDeps(opened, io.env, (w) => io.stderr.write(`opsdeck: ${w}\n`));
    let approval = flags.approval;
    // the phrase typed right in an environment with the two-person rule: the request first
    const asks = deps.approvals?.required(plan) && !plan.refusal && !opened.info.readOnly && typed === plan.phrase;
    if (asks && approval === undefined && flags.breakGlass === undefined) {
      const reason = flags.reason?.trim();
      if (!reason) throw new UserError(`${plan.environment} requires another operator's approval: say why with --reason "…", the approver reads it`, EXIT.usage);
      const asked = await requestApproval(io, deps, opened, plan, { reason, signal: interrupt.signal, ...(waitMs !== undefined ? { waitMs } : {}), ...(flags.json ? { json: true } : {}) });
      if ('code' in asked) return asked.code;
      approval = asked.approval;
    }
    let last = '';
    const result = await runAction(deps, {
      action,
      ctx,
      plan,
      typed,
      ...(approval !== undefined ? { approval } : {}),
      ...(flags.breakGlass !== undefined ? { breakGlass: flags.breakGlass } : {}),
      ...(flags.reason !== undefined ? { reason: flags.reason } : {}),
      signal: interrupt.signal,
      onProgress: (p) => {
        if (p.message !== last && !flags.json) io.stderr.write(`  … ${p.message}\n`);
        last = p.message;
      },
    });
    if (flags.json) io.stdout.write(JSON.stringify(resultJson(plan, result), null, 2) + '\n');
    else io.stdout.write(`${result.outcome}: ${result.message}\n`);
    return ACTION_EXIT[result.outcome];
  } finally {
    process.removeListener('SIGINT', onSigint);
    await deps?.close();
    await opened.sources.close();
  }
}

/** ECS actions: the cluster from --cluster or the config, and the topology facts read once. */
export function ecsSetup<Args>(service: string, flags: ActionFlags, args: (cluster: string, timeoutMs: number) => Args): ActionSetup<Args, EcsActionContext> {
  return {
    args: (opened, timeoutMs) => args(clusterOf(opened.config, service, flags.cluster), timeoutMs),
    context: async (opened) => ecsActionContext(opened, await readConditionFacts(opened)),
  };
}

// ECS desired counts and revisions are 32-bit integers in the API
const INT32_MAX = 2_147_483_647;

/** --to: a revision number, or last-good */
function rollbackTo(text: string | undefined): RollbackTo | undefined {
  if (text === undefined || text === 'last-good') return text;
  if (!/^\d+$/.test(text)) throw new UserError(`--to takes a revision number like 43, or last-good; got ${JSON.stringify(oneLine(text).slice(0, 40))}`, EXIT.usage);
  return wholeNumber(text, '--to (a revision number)', 1, INT32_MAX);
}

export function checkEcsNames(service: string, flags: ActionFlags): void {
  ecsName(service, 'service');
  if (flags.cluster !== undefined) ecsName(flags.cluster, '--cluster');
}

export function actionCommands(program: Command, io: ActionIo): void {
  withClusterFlag(withActionFlags(program.command('scale <service> <count>').description('scale an ECS service to COUNT tasks (0 stops it)'))).action(async (service: string, count: string, flags: ActionFlags, cmd: Command) => {
    const desired = wholeNumber(count, 'count', 0, INT32_MAX);
    checkEcsNames(service, flags);
    io.setCode(await perform(io, cmd.optsWithGlobals<GlobalOptions>(), flags, scaleAction, ecsSetup(service, flags, (cluster, verifyTimeoutMs) => ({ cluster, service, desired, verifyTimeoutMs }))));
  });

  withClusterFlag(withActionFlags(program.command('rollback <service>').description('roll an ECS service back to the previous (or --to) task definition revision')))
    .option('--to <revision>', 'the revision number to go back to, or last-good: the newest earlier one that ran steady (the plan shows the evidence)')
    .action(async (service: string, flags: ActionFlags & { to?: string }, cmd: Command) => {
      const to = rollbackTo(flags.to);
      checkEcsNames(service, flags);
      io.setCode(await perform(io, cmd.optsWithGlobals<GlobalOptions>(), flags, rollbackAction, ecsSetup(service, flags, (cluster, verifyTimeoutMs) => ({ cluster, service, verifyTimeoutMs, ...(to !== undefined ? { to } : {}) }))));
    });

  withClusterFlag(withActionFlags(program.command('redeploy <service>').description('force a new deployment of an ECS service (same revision, fresh tasks)'))).action(async (service: string, flags: ActionFlags, cmd: Command) => {
    checkEcsNames(service, flags);
    io.setCode(await perform(io, cmd.optsWithGlobals<GlobalOptions>(), flags, redeployAction, ecsSetup(service, flags, (cluster, verifyTimeoutMs) => ({ cluster, service, verifyTimeoutMs }))));
  });

  const audit = registerAuditCommand(program, io);

  audit
    .command('reconcile')
    .description('on a terminal, go through the actions whose outcome a crash lost and say what happened to each; else list them; with --id N --record TEXT, journal what actually happened')
    .option('--id <n>', 'the journal number (#N) of the intent to reconcile')
    .option('--record <text>', 'what actually happened, one line')
    .option('--json', 'print the list as JSON')
    .action(async (flags: { id?: string; record?: string; json?: boolean }, cmd: Command) => {
      // `audit` has its own --json, which commander gives to the parent when both could take it
      const g = cmd.optsWithGlobals<GlobalOptions & { json?: boolean }>();
      const journal = await reconcileJournal(g, io);
      try {
        await reconcileCommand(flags, g, journal);
      } finally {
        await journal.close();
      }
    });

  async function reconcileCommand(flags: { id?: string; record?: string; json?: boolean }, g: GlobalOptions & { json?: boolean }, journal: ReconcileJournal): Promise<void> {
    const environment = g.demo ? 'demo' : g.env;
    if ((flags.id === undefined) !== (flags.record === undefined)) throw new UserError('--id and --record go together: --id N --record "what happened"', EXIT.usage);
    if (flags.id !== undefined && flags.record !== undefined) {
      try {
        const r = await reconcile(journal, wholeNumber(flags.id, '--id'), flags.record);
        io.stdout.write(`reconciled #${flags.id} as journal record #${r.seq}\n`);
      } catch (err) {
        if (err instanceof ReconcileError) throw new UserError(err.message, EXIT.usage);
        throw err;
      }
      io.setCode(EXIT.ok);
      return;
    }
    const pending = pendingIntents(journal, environment);
    const json = Boolean(flags.json || g.json);
    // on a terminal the operator is asked about each; a script gets the list
    const walk = io.isTTY && !json && pending.length > 0;
    // the target's state is read for the environment named on the command line; when walking, for each intent's environment
    const names = environment !== undefined ? [environment] : walk ? [...new Set(pending.map((i) => i.environment))] : [];
    const states = new Map<number, string>();
    for (const name of names) {
      const theirs = pending.filter((i) => i.environment === name);
      try {
        const opened = await openEnvironment(name === environment ? g : name === 'demo' ? { ...g, demo: true } : { ...g, env: name }, io.env, { oneShot: true });
        try {
          for (const [seq, s] of await currentStates(opened, theirs)) states.set(seq, s);
        } finally {
          await opened.sources.close();
        }
      } catch (err) {
        if (name === environment) throw err;
        for (const i of theirs) states.set(i.seq, `not read: ${errorMessage(err)}`);
      }
    }
    if (walk) {
      await walkPending({ input: process.stdin, output: io.stdout }, journal, pending, states);
      io.setCode(EXIT.ok);
      return;
    }
    io.stdout.write(formatPending(pending, json, states) + '\n');
    io.setCode(EXIT.ok);
  }
}
