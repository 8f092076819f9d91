/** Time as the engine and the sandbox see it; tests and the sandbox swap it. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * A clock that starts at `start` and runs at `speed` times real time.
 * The sandbox uses it so a demo can compress minutes into seconds while
 * staying a pure function of (seed, virtual time).
 */
export function scaledClock(start: number, speed = 1, real: Clock = systemClock): Clock {
  const realStart = real.now();
  return { now: () => start + (real.now() - realStart) * speed };
}

/** A clock that only moves when told to. */
export class ManualClock implements Clock {
  constructor(private t: number) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
  set(t: number): void {
    this.t = t;
  }
}
