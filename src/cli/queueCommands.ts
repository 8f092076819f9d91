/**
 * `opsdeck requeue QUEUE`: the failed jobs of a Redis queue back to waiting,
 * exactly the ones the plan lists, through the same path as every action.
 * `opsdeck queue …`: the failed jobs listed and shown one by one (reads),
 * chosen jobs requeued or deleted (--job ID…), a BullMQ queue paused or
 * resumed, the last three through the executor like every action.
 * In the demo the sandbox's queues, otherwise the config's Redis.
 */
import type { Command } from 'commander';
import { requeueAction, DEFAULT_LIMIT, MAX_LIMIT, type RequeueArgs } from '../actions/queues/requeue.js';
import { deleteJobsAction, type DeleteJobsArgs } from '../actions/queues/deleteJobs.js';
import { pauseAction, type PauseArgs, type PauseMode } from '../actions/queues/pause.js';
import { checkIds } from '../actions/queues/chosen.js';
import { jobDetail, jobList } from '../actions/queues/jobText.js';
import type { ActionDefinition } from '../actions/types.js';
import { noPauseReason } from '../model/queues.js';
import { errorMessage } from '../text/sanitize.js';
import { jobDetailJson, jobDetailLines, jobListJson, jobListLines } from './jobOutput.js';
import { openEnvironment } from './environment.js';
import type { QueueActionContext } from '../actions/queues/context.js';
import type { EnvironmentConfig } from '../config/schema.js';
import type { QueueControl } from '../sources/redis/control.js';
import { perform, withActionFlags, type ActionFlags, type ActionIo, type ActionSetup } from './actionCommands.js';
import { sleep } from './actionSetup.js';
import type { GlobalOptions, OpenedEnvironment } from './environment.js';
import { configName, wholeNumber } from './arguments.js';
import { EXIT, UserError } from './exit.js';

interface RequeueFlags extends ActionFlags {
  redis?: string;
  limit?: string;
  job?: string[];
}

/** The Redis entry that holds `queue`: --redis when given, else the only one that lists it. */
function redisOf(config: EnvironmentConfig, queue: string, redis: string | undefined): string {
  const all = config.redis;
  if (all.length === 0) throw new UserError('this environment configures no Redis; add a redis entry with its queues', EXIT.usage);
  if (redis !== undefined) {
    const entry = all.find((r) => r.name === redis);
    if (!entry) throw new UserError(`Redis "${redis}" is not in this environment's config (known: ${all.map((r) => r.name).join(', ')})`, EXIT.usage);
    if (!entry.queues.some((q) => q.name === queue)) throw new UserError(`queue "${queue}" is not under Redis ${redis} (its queues: ${entry.queues.map((q) => q.name).join(', ') || 'none'})`, EXIT.usage);
    return redis;
  }
  const holders = all.filter((r) => r.queues.some((q) => q.name === queue));
  if (holders.length === 1) return holders[0]!.name;
  if (holders.length > 1) throw new UserError(`queue "${queue}" is in Redis ${holders.map((r) => r.name).join(' and ')}; pass --redis`, EXIT.usage);
  const known = all.flatMap((r) => r.queues.map((q) => `${r.name}/${q.name}`));
  throw new UserError(`queue "${queue}" is not in this environment's config (known: ${known.join(', ') || 'none'})`, EXIT.usage);
}

function parseLimit(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  return wholeNumber(text, '--limit', 1, MAX_LIMIT);
}


/** `control()` is what to close afterwards. */
function queueSetup<Args>(args: (opened: OpenedEnvironment, verifyTimeoutMs: number) => Args): ActionSetup<Args, QueueActionContext> & { control(): QueueControl | undefined } {
  let control: QueueControl | undefined;
  return {
    args,
    async context(opened) {
      control = await opened.queueControl();
      if (!control) throw new UserError('this environment configures no Redis; add a redis entry with its queues', EXIT.usage);
      return { env: opened.info, now: () => Date.now(), sleep, queues: control };
    },
    control: () => control,
  };
}

function requeueSetup(queue: string, flags: RequeueFlags, limit: number | undefined) {
  return queueSetup<RequeueArgs>((opened, verifyTimeoutMs) => ({ redis: redisOf(opened.config, queue, flags.redis), queue, verifyTimeoutMs, ...(limit !== undefined ? { limit } : {}), ...(flags.job ? { ids: flags.job } : {}) }));
}

/** Runs an action on a queue and closes its control whatever happens. */
async function performOnQueue<Args>(io: ActionIo, cmd: Command, flags: ActionFlags, action: ActionDefinition<Args, QueueActionContext>, setup: ActionSetup<Args, QueueActionContext> & { control(): QueueControl | undefined }): Promise<void> {
  try {
    io.setCode(await perform(io, cmd.optsWithGlobals<GlobalOptions>(), flags, action as ActionDefinition<Args, QueueActionContext>, setup));
  } finally {
    await setup.control()?.close();
  }
}

function jobIds(ids: string[] | undefined, required: boolean): string[] | undefined {
  if (ids === undefined) {
    if (required) throw new UserError('name the jobs with --job ID (repeat it, or give several ids after it); `opsdeck queue jobs QUEUE` lists them', EXIT.usage);
    return undefined;
  }
  try {
    checkIds(ids);
  } catch (err) {
    throw new UserError(`--job: ${errorMessage(err)}`, EXIT.usage);
  }
  return ids;
}

interface ReadFlags {
  redis?: string;
  json?: boolean;
  state?: string;
  limit?: string;
}

/** Opens the environment, finds the queue and runs one read on its control; the control and sources close after. */
async function readQueue(io: ActionIo, cmd: Command, queue: string, flags: ReadFlags, read: (control: QueueControl, redis: string, flavor: string, signal: AbortSignal) => Promise<void>): Promise<void> {
  configName(queue, 'queue');
  if (flags.redis !== undefined) configName(flags.redis, '--redis');
  const opened = await openEnvironment(cmd.optsWithGlobals<GlobalOptions>(), io.env, { oneShot: true });
  let control: QueueControl | undefined;
  try {
    const redis = redisOf(opened.config, queue, flags.redis);
    control = await opened.queueControl();
    if (!control) throw new UserError('this environment configures no Redis; add a redis entry with its queues', EXIT.usage);
    const flavor = control.flavorOf(redis, queue)!;
    if (flavor === 'stream') throw new UserError(`${queue} is a stream queue: a stream keeps its entries, there is no failed set to list`, EXIT.usage);
    try {
      await read(control, redis, flavor, AbortSignal.timeout(30_000));
    } catch (err) {
      if (err instanceof UserError) throw err;
      throw new UserError(`could not read ${queue}'s failed jobs: ${errorMessage(err)}`, EXIT.failed);
    }
  } finally {
    await control?.close();
    await opened.sources.close();
  }
}

const DEFAULT_JOBS = 50;

export function queueCommands(program: Command, io: ActionIo): void {
  const group = program.command('queue').description("a Redis queue's failed jobs: list, show, requeue or delete chosen ones; pause and resume (BullMQ)");
  group
    .command('jobs <queue>')
    .description('the failed (dead) jobs of a queue, newest failure first: id, name, when, attempts, reason')
    .option('--state <state>', 'which jobs: failed (the only one; dead is the same)', 'failed')
    .option('--limit <n>', `how many, newest first (default ${DEFAULT_JOBS}, at most ${MAX_LIMIT})`)
    .option('--redis <name>', 'the Redis entry, when the queue name is in more than one')
    .option('--json', 'print the list as JSON')
    .action(async (queue: string, flags: ReadFlags, cmd: Command) => {
      if (flags.state !== 'failed' && flags.state !== 'dead') throw new UserError(`--state ${flags.state}: only failed (or dead) jobs are listed; the Queues panel counts the other states`, EXIT.usage);
      const limit = flags.limit === undefined ? DEFAULT_JOBS : wholeNumber(flags.limit, '--limit', 1, MAX_LIMIT);
      await readQueue(io, cmd, queue, flags, async (control, redis, flavor, signal) => {
        const list = jobList(redis, queue, flavor, await control.jobs(redis, queue, limit, signal));
        io.stdout.write(flags.json || cmd.optsWithGlobals<{ json?: boolean }>().json ? JSON.stringify(jobListJson(list), null, 2) + '\n' : jobListLines(list).join('\n') + '\n');
      });
    });
  group
    .command('job <queue> <id>')
    .description('one failed job: payload (cut, secrets masked), failure reason, stack trace, attempts, times')
    .option('--redis <name>', 'the Redis entry, when the queue name is in more than one')
    .option('--json', 'print the job as JSON')
    .action(async (queue: string, id: string, flags: ReadFlags, cmd: Command) => {
      jobIds([id], true);
      await readQueue(io, cmd, queue, flags, async (control, redis, flavor, signal) => {
        const raw = await control.job(redis, queue, id, signal);
        if (!raw) throw new UserError(`job ${id} is not in the failed set of ${queue}; \`opsdeck queue jobs ${queue}\` lists what is`, EXIT.refused);
        const where = { redis, queue, flavor };
        const job = jobDetail(raw);
        io.stdout.write(flags.json ? JSON.stringify(jobDetailJson(job, where), null, 2) + '\n' : jobDetailLines(job, where).join('\n') + '\n');
      });
    });
  withActionFlags(group.command('requeue <queue>').description('move failed jobs back to waiting: the ones named with --job, else the oldest failed (as `opsdeck requeue`)'), '30s')
    .option('--job <id...>', 'exactly these jobs (repeatable)')
    .option('--redis <name>', 'the Redis entry, when the queue name is in more than one')
    .option('--limit <n>', `without --job: the most jobs one run moves (default ${DEFAULT_LIMIT}, at most ${MAX_LIMIT})`)
    .action(async (queue: string, flags: RequeueFlags, cmd: Command) => {
      configName(queue, 'queue');
      if (flags.redis !== undefined) configName(flags.redis, '--redis');
      jobIds(flags.job, false);
      await performOnQueue(io, cmd, flags, requeueAction, requeueSetup(queue, flags, parseLimit(flags.limit)));
    });
  withActionFlags(group.command('delete <queue>').description('delete failed jobs named with --job, payload and all: there is no undo'), '30s')
    .option('--job <id...>', 'the jobs to delete (repeatable)')
    .option('--redis <name>', 'the Redis entry, when the queue name is in more than one')
    .action(async (queue: string, flags: RequeueFlags, cmd: Command) => {
      configName(queue, 'queue');
      if (flags.redis !== undefined) configName(flags.redis, '--redis');
      const ids = jobIds(flags.job, true)!;
      await performOnQueue(io, cmd, flags, deleteJobsAction, queueSetup<DeleteJobsArgs>((opened, verifyTimeoutMs) => ({ redis: redisOf(opened.config, queue, flags.redis), queue, ids, verifyTimeoutMs })));
    });
  for (const mode of ['pause', 'resume'] as const satisfies readonly PauseMode[]) {
    withActionFlags(group.command(`${mode} <queue>`).description(mode === 'pause' ? 'pause a BullMQ queue: workers take no new job until it is resumed (RQ and Sidekiq have no pause)' : 'resume a paused BullMQ queue'), '10s')
      .option('--redis <name>', 'the Redis entry, when the queue name is in more than one')
      .action(async (queue: string, flags: RequeueFlags, cmd: Command) => {
        configName(queue, 'queue');
        if (flags.redis !== undefined) configName(flags.redis, '--redis');
        await performOnQueue(
          io,
          cmd,
          flags,
          pauseAction,
          queueSetup<PauseArgs>((opened, verifyTimeoutMs) => {
            const redis = redisOf(opened.config, queue, flags.redis);
            const flavor = opened.config.redis.find((r) => r.name === redis)!.queues.find((q) => q.name === queue)!.flavor;
            const no = noPauseReason(flavor);
            if (no) throw new UserError(`${queue} (${flavor}): ${no}`, EXIT.usage);
            return { redis, queue, mode, verifyTimeoutMs };
          }),
        );
      });
  }

  withActionFlags(program.command('requeue <queue>').description('move the failed (dead-letter) jobs of a Redis queue back to waiting: exactly the ones the plan lists'), '30s')
    .option('--redis <name>', 'the Redis entry, when the queue name is in more than one')
    .option('--limit <n>', `the most jobs one run moves, oldest failure first (default ${DEFAULT_LIMIT}, at most ${MAX_LIMIT})`)
    .action(async (queue: string, flags: RequeueFlags, cmd: Command) => {
      configName(queue, 'queue');
      if (flags.redis !== undefined) configName(flags.redis, '--redis');
      await performOnQueue(io, cmd, flags, requeueAction, requeueSetup(queue, flags, parseLimit(flags.limit)));
    });
}
