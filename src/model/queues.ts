/** Job queues and the Redis behind them. */

export type QueueFlavor = 'bullmq' | 'rq' | 'sidekiq' | 'list' | 'zset' | 'stream';

export interface QueueStats {
  /** the name of the Redis entry in the config */
  redis: string;
  name: string;
  flavor: QueueFlavor;
  /** jobs waiting to be picked up */
  waiting: number;
  /** jobs being worked on */
  active: number;
  delayed: number;
  /** failed or dead: the dead-letter depth */
  failed: number;
  completed?: number;
  /**
   * Whether the library holds the queue paused (BullMQ's Queue#isPaused):
   * workers take none of its waiting jobs. Absent for libraries without a pause.
   */
  paused?: boolean;
  /**
   * Every state the library's own API counts, named and counted as that API
   * does: BullMQ's getJobCounts, RQ's queue and registries, Sidekiq's queue
   * size, busy workers and sets. The figures above are summaries of these.
   */
  states?: QueueStates;
  /** age of the oldest waiting job in ms; null when the queue is empty or unknown */
  oldestWaitingAgeMs: number | null;
  /** jobs per minute leaving the queue over the recent window; null until known */
  drainPerMinute: number | null;
  /** time to empty at the current drain rate; null when not draining */
  etaToEmptyMs: number | null;
}

/** A state's name as the library spells it, and how many jobs are in it. */
export type QueueStates = Readonly<Record<string, number>>;

export interface RedisHealth {
  name: string;
  ok: boolean;
  pingMs: number | null;
  usedMemoryBytes: number | null;
  maxMemoryBytes: number | null;
  clients: number | null;
  evictedKeys: number | null;
  /** keys evicted since the source's previous read of this Redis; absent on the first read */
  evictedSincePrevious?: number | null;
  error?: string;
}

export interface QueuesSnapshot {
  redis: RedisHealth[];
  queues: QueueStats[];
}

/**
 * The queue read's error when configured Redis did not answer. It names them
 * so that a topology rule on "redis:NAME" can tell an outage of that Redis
 * (the condition fails) from a read that could not be made (unknown).
 */
export function redisOutageMessage(names: readonly string[], why: string): string {
  return `Redis ${names.join(', ')} unreachable: ${why}`;
}

/** The Redis names in a message made by redisOutageMessage; none for any other error. */
export function unreachableRedis(message: string | undefined): string[] {
  const m = /^Redis (.+?) unreachable: /.exec(message ?? '');
  return m ? m[1]!.split(', ') : [];
}

/** Why a queue of this flavour cannot be paused, in one line; undefined: it can (BullMQ). */
export function noPauseReason(flavor: QueueFlavor): string | undefined {
  if (flavor === 'bullmq') return undefined;
  if (flavor === 'rq') return 'RQ has no queue pause; stop its workers instead';
  if (flavor === 'sidekiq') return 'pausing a queue is a Sidekiq Enterprise feature (Sidekiq::Queue#pause!); stop its processes or quiet them instead';
  return `a ${flavor} queue has no pause of its own; stop its consumers instead`;
}
