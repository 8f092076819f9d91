/**
 * `opsdeck requeue QUEUE`: the failed jobs of a Redis queue back to waiting,
 * exactly the ones the plan lists, through the same path as every action.
 * In the demo the sandbox's queues, otherwise the config's Redis.
 */
import type { Command } from 'commander';
import { requeueAction, DEFAULT_LIMIT, MAX_LIMIT, type RequeueArgs } from '../actions/queues/requeue.js';
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
function requeueSetup(queue: string, flags: RequeueFlags, limit: number | undefined): ActionSetup<RequeueArgs, QueueActionContext> & { control(): QueueControl | undefined } {
  let control: QueueControl | undefined;
  return {
    args: (opened: OpenedEnvironment, verifyTimeoutMs: number) => ({ redis: redisOf(opened.config, queue, flags.redis), queue, verifyTimeoutMs, ...(limit !== undefined ? { limit } : {}) }),
    async context(opened) {
      control = await opened.queueControl();
      if (!control) throw new UserError('this environment configures no Redis; add a redis entry with its queues', EXIT.usage);
      return { env: opened.info, now: () => Date.now(), sleep, queues: control };
    },
    control: () => control,
  };
}

export function queueCommands(program: Command, io: ActionIo): void {
  withActionFlags(program.command('requeue <queue>').description('move the failed (dead-letter) jobs of a Redis queue back to waiting: exactly the ones the plan lists'), '30s')
    .option('--redis <name>', 'the Redis entry, when the queue name is in more than one')
    .option('--limit <n>', `the most jobs one run moves, oldest failure first (default ${DEFAULT_LIMIT}, at most ${MAX_LIMIT})`)
    .action(async (queue: string, flags: RequeueFlags, cmd: Command) => {
      configName(queue, 'queue');
      if (flags.redis !== undefined) configName(flags.redis, '--redis');
      const setup = requeueSetup(queue, flags, parseLimit(flags.limit));
      try {
        io.setCode(await perform(io, cmd.optsWithGlobals<GlobalOptions>(), flags, requeueAction, setup));
      } finally {
        await setup.control()?.close();
      }
    });
}
