/**
 * What a queue action needs from the opened environment: the QueueControl
 * port (fresh reads and the moves), on top of the common action context.
 */
import type { QueueControl } from '../../sources/redis/control.js';
import type { ActionContext, ActionTarget } from '../types.js';

export interface QueueActionContext extends ActionContext {
  queues: QueueControl;
}

export interface QueueArgs {
  /** the Redis entry's name in the config */
  redis: string;
  queue: string;
}

export function where(ctx: ActionContext, a: QueueArgs): string {
  return `${ctx.env.name} / redis ${a.redis} / queue ${a.queue}`;
}

export function queueTarget(ctx: ActionContext, a: QueueArgs): ActionTarget {
  return { kind: 'queue', name: a.queue, parent: a.redis, display: `${ctx.env.name}/${a.redis}/${a.queue}` };
}
