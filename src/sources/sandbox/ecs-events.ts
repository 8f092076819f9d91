/** Service events in the ECS console's words, so the panel reads like the real thing. */
import type { EcsEvent } from '../../model/ecs.js';
import { ACCOUNT, REGION } from './taskdefs.js';
import { uuidFrom, type Rng } from './prng.js';

/** ECS keeps the last 100 events; the panel shows a handful. */
const MAX_EVENTS = 50;

export class ServiceLog {
  /** newest first */
  readonly events: EcsEvent[] = [];
  private readonly targetGroup: string;

  constructor(
    private readonly service: string,
    private readonly rng: Rng,
  ) {
    this.targetGroup = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:targetgroup/demo-${service}/${rng.hex(16)}`;
  }

  add(at: number, text: string): void {
    this.events.unshift({ id: uuidFrom(this.rng), at, message: `(service ${this.service}) ${text}` });
    if (this.events.length > MAX_EVENTS) this.events.length = MAX_EVENTS;
  }

  started(at: number, taskIds: string[]): void {
    if (taskIds.length > 0) this.add(at, `has started ${taskIds.length} tasks: ${taskIds.map((id) => `(task ${id})`).join(' ')}.`);
  }

  stoppedRunning(at: number, taskIds: string[]): void {
    this.add(at, `has stopped ${taskIds.length} running tasks: ${taskIds.map((id) => `(task ${id})`).join(' ')}.`);
  }

  crashed(at: number, taskIds: string[]): void {
    this.add(at, `has stopped ${taskIds.length} tasks: ${taskIds.map((id) => `(task ${id})`).join(' ')}: Essential container in task exited.`);
  }

  registered(at: number, n: number): void {
    this.add(at, `registered ${n} targets in (target-group ${this.targetGroup})`);
  }

  draining(at: number, n: number): void {
    this.add(at, `has begun draining connections on ${n} tasks.`);
    this.add(at, `deregistered ${n} targets in (target-group ${this.targetGroup})`);
  }

  steady(at: number): void {
    this.add(at, 'has reached a steady state.');
  }
}
