/**
 * `opsdeck unlock TARGET`: shows who holds the lock on a resource and
 * releases it. A lock whose holder is gone (its pid no longer exists on this
 * host) is released at once; any other only after the operator types the
 * target's name (or passes --confirm in a script), as for every dangerous
 * action: a live holder may be in the middle of its call. Every release and
 * every refusal is journaled.
 */
import type { Command } from 'commander';
import { ask, type ActionIo } from './actionCommands.js';
import { executorDeps, clusterOf } from './actionSetup.js';
import { openEnvironment, resolveIdentity, type GlobalOptions, type OpenedEnvironment } from './environment.js';
import { EXIT, UserError } from './exit.js';
import { confirmationPhrase, type ActionTarget } from '../actions/types.js';
import { describeHolder, holderGone, holderLine, LockUnavailableError } from '../actions/lock.js';
import { LOCK_PREFIX, lockKeyFor, lockSubject, type ResourceLocator } from '../actions/lockResource.js';
import { currentOperator, type AuditOutcome } from '../audit/record.js';
import { errorMessage } from '../text/sanitize.js';

interface UnlockFlags {
  cluster?: string;
  confirm?: string;
}

const SUBJECT = /^(ecs|rds|queue|pg)\/[^\s]+$/;

/**
 * The lock key TARGET names: the resource as a refusal prints it
 * ("ecs/123456789012/us-east-1/prod/api"), or what the environment calls it:
 * an ECS service, an RDS instance, or REDIS/QUEUE.
 */
async function keyOf(opened: OpenedEnvironment, locate: ResourceLocator, text: string, flags: UnlockFlags): Promise<string> {
  if (SUBJECT.test(text)) return `${LOCK_PREFIX}${text}`;
  const { config, info } = opened;
  const signal = AbortSignal.timeout(10_000);
  const slash = text.indexOf('/');
  if (slash > 0 && config.redis.some((r) => r.name === text.slice(0, slash))) {
    const target: ActionTarget = { kind: 'queue', name: text.slice(slash + 1), parent: text.slice(0, slash), display: text };
    return lockKeyFor(target, locate, signal);
  }
  if (flags.cluster !== undefined || config.ecs.some((c) => c.services?.includes(text))) {
    const target: ActionTarget = { kind: 'ecs-service', name: text, parent: clusterOf(config, text, flags.cluster), display: `${info.name}/${text}` };
    return lockKeyFor(target, locate, signal);
  }
  if (config.rds.some((r) => r.instance === text)) return lockKeyFor({ kind: 'db-instance', name: text, display: `${info.name}/${text}` }, locate, signal);
  throw new UserError(`"${text}" is not a service, instance or REDIS/QUEUE of ${info.name}; pass the resource as the refusal names it, e.g. ecs/ACCOUNT/REGION/CLUSTER/SERVICE`, EXIT.usage);
}

async function unlock(io: ActionIo, g: GlobalOptions, text: string, flags: UnlockFlags): Promise<number> {
  const opened = await openEnvironment(g, io.env, { oneShot: true });
  let deps: Awaited<ReturnType<typeof executorDeps>> | undefined;
  try {
    await resolveIdentity(opened);
    deps = await executorDeps(opened, io.env, (w) => io.stderr.write(`opsdeck: ${w}\n`));
    const locate = deps.locate!;
    let key: string;
    try {
      key = await keyOf(opened, locate, text, flags);
    } catch (err) {
      if (err instanceof UserError) throw err;
      throw new UserError(`cannot tell which resource "${text}" is: ${errorMessage(err)}`, EXIT.usage);
    }
    const subject = lockSubject(key);
    const journal = deps.journal;
    const record = (outcome: AuditOutcome, detail: string) =>
      journal.append({ operator: currentOperator(deps?.awsArn), environment: opened.info.name, action: 'unlock', target: subject, phase: outcome === 'ok' ? 'outcome' : 'refusal', plan: { summary: `release the lock on ${subject}`, changes: [], calls: [] }, phraseAccepted: null, outcome, detail, requestIds: [], durationMs: 0 });
    const refuse = async (message: string) => {
      await record('refused', message);
      io.stdout.write(`refused: ${message}\n`);
      return EXIT.refused;
    };

    let held;
    try {
      held = await deps.lock.inspect(key);
    } catch (err) {
      return refuse(err instanceof LockUnavailableError ? err.message : `could not read the lock on ${subject} in ${deps.lock.where}: ${errorMessage(err)}`);
    }
    if (!held) {
      io.stdout.write(`${subject} is not locked (in ${deps.lock.where})\n`);
      return EXIT.ok;
    }
    const now = Date.now();
    io.stdout.write(`${describeHolder(subject, held.holder, held.expiresInMs, now)}\n`);
    const gone = holderGone(held.holder);
    const who = held.holder ? holderLine(held.holder, now) : 'an unknown holder';
    if (!gone) {
      if (opened.info.readOnly) return refuse(`${opened.info.name} is read-only: the lock on ${subject} was not released (start with --write, or drop --read-only)`);
      const phrase = confirmationPhrase('destructive', opened.info, text);
      let typed = flags.confirm;
      if (typed === undefined && io.isTTY) {
        io.stderr.write(`The holder may still be acting on ${subject}; releasing its lock lets another action start at once.\n`);
        typed = await ask(io, phrase, 'destructive');
      }
      if (typed === undefined) return refuse(`no confirmation given; type (or pass --confirm) ${phrase}: the lock was not released`);
      if (typed !== phrase) return refuse(`the confirmation "${typed}" is not "${phrase}": the lock was not released`);
    }
    if (!(await deps.lock.forceRelease(key, held.raw))) return refuse(`the lock on ${subject} changed while we looked (renewed or taken by someone else); run unlock again to see its holder`);
    const detail = `released the lock on ${subject} of ${who}${gone ? ': that process on this host is gone' : ', confirmed by the operator'}`;
    await record('ok', detail);
    io.stdout.write(`${detail}\n`);
    return EXIT.ok;
  } finally {
    await deps?.close();
    await opened.sources.close();
  }
}

export function lockCommands(program: Command, io: ActionIo): void {
  program
    .command('unlock <target>')
    .description("show who holds the lock on a resource and release it: at once when its holder's process is gone, else after typing TARGET (or --confirm); journaled")
    .option('--cluster <name>', 'the cluster, when the service name is in more than one')
    .option('--confirm <phrase>', 'release a live holder\'s lock without asking; the phrase must match exactly')
    .action(async (target: string, flags: UnlockFlags, cmd: Command) => {
      io.setCode(await unlock(io, cmd.optsWithGlobals<GlobalOptions>(), target, flags));
    });
}
