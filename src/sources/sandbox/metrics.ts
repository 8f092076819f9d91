/**
 * CPU and memory utilisation per service, derived from the work the tasks do:
 * the API's CPU follows requests per task (scale in and it climbs), the
 * worker's follows busy job slots.
 */
import type { Rng } from './prng.js';

export const SAMPLE_EVERY_MS = 15_000;
const KEEP = 30;

/** Slow, smooth variation of demand, a pure function of time. */
export function demandAt(t: number): number {
  return 1 + 0.12 * Math.sin((2 * Math.PI * t) / (23 * 60_000)) + 0.05 * Math.sin((2 * Math.PI * t) / (7 * 60_000));
}

interface ServiceWork {
  /** tasks serving */
  tasks: number;
  /** API: demand relative to normal; worker: busy job slots */
  work: number;
}

const clamp = (v: number) => Math.round(Math.max(0.5, Math.min(100, v)) * 10) / 10;

export class Utilisation {
  readonly cpu: number[] = [];
  readonly memory: number[] = [];

  constructor(private readonly service: string) {}

  sample(t: number, rng: Rng, w: ServiceWork): void {
    // CloudWatch has no datapoint for a service with no tasks
    if (w.tasks === 0) return;
    let cpu: number;
    let memory: number;
    const drift = Math.sin((2 * Math.PI * t) / (3 * 3_600_000));
    if (this.service === 'api') {
      cpu = 6 + (22 * 3 * w.work) / w.tasks + rng.normal(0, 1.5);
      memory = 44 + 5 * drift + rng.normal(0, 1);
    } else if (this.service === 'worker') {
      cpu = 9 + (7 * w.work) / w.tasks + rng.normal(0, 1.5);
      memory = 52 + 3 * drift + rng.normal(0, 1);
    } else {
      cpu = 5 + rng.normal(0, 1);
      memory = 29 + rng.normal(0, 0.6);
    }
    this.cpu.push(clamp(cpu));
    this.memory.push(clamp(memory));
    if (this.cpu.length > KEEP) this.cpu.shift();
    if (this.memory.length > KEEP) this.memory.shift();
  }
}
