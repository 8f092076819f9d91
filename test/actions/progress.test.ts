// The progress bar of an ECS change starts where the service was when the
// watch began and only a finished verdict fills it: scaling 2 → 3 starts at
// 0 %, not 67 %; scaling down and rolling back do not start at 100 %.
import { afterEach, describe, expect, it } from 'vitest';
import { countFraction } from '../../src/actions/ecs/context.js';
import { scaleAction } from '../../src/actions/ecs/scale.js';
import { redeployAction } from '../../src/actions/ecs/redeploy.js';
import { runAction } from '../../src/actions/executor.js';
import { harness, type Harness } from './support.js';

let h: Harness | undefined;
afterEach(() => h?.cleanup());
const signal = new AbortController().signal;

describe('the fraction of a count change', () => {
  it('counts from the running count the watch began with', () => {
    expect(countFraction(2, { running: 2, desired: 3 })).toBe(0);
    expect(countFraction(2, { running: 3, desired: 3 })).toBe(1);
    expect(countFraction(3, { running: 3, desired: 1 })).toBe(0);
    expect(countFraction(3, { running: 2, desired: 1 })).toBe(0.5);
    expect(countFraction(0, { running: 1, desired: 4 })).toBe(0.25);
    // overshoot and a count moving the wrong way stay inside 0..1
    expect(countFraction(3, { running: 4, desired: 1 })).toBe(0);
    expect(countFraction(1, { running: 5, desired: 3 })).toBe(1);
    expect(countFraction(2, { running: 2, desired: 2 })).toBe(1);
    expect(countFraction(2, { running: 1, desired: 2 })).toBe(0);
  });
});

async function fractions(action: typeof scaleAction | typeof redeployAction, args: never, typed: string): Promise<number[]> {
  h = await harness();
  const plan = await action.plan(h.ctx, args, signal);
  const seen: number[] = [];
  const result = await runAction(h.deps, { action: action as typeof scaleAction, ctx: h.ctx, plan: plan as never, typed, onProgress: (p) => seen.push(p.fraction ?? NaN) });
  expect(result.outcome, result.message).toBe('done');
  return seen;
}

describe('the progress of a verification on the sandbox', () => {
  it('scaling api 3 → 5 starts at 0 %, never goes back, and ends at 100 % only when done', async () => {
    const seen = await fractions(scaleAction, { cluster: 'demo', service: 'api', desired: 5 } as never, 'y');
    expect(seen[0]).toBe(0);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen.at(-1)).toBe(1);
    expect(seen.slice(0, -1).every((f) => f < 1)).toBe(true);
  });

  it('scaling api 3 → 1 starts at 0 %, not 100 %', async () => {
    const seen = await fractions(scaleAction, { cluster: 'demo', service: 'api', desired: 1 } as never, 'api');
    expect(seen[0]).toBe(0);
    expect(seen.at(-1)).toBe(1);
  });

  it('a redeploy counts the new deployment\'s tasks, not the old ones still running', async () => {
    const seen = await fractions(redeployAction, { cluster: 'demo', service: 'api' } as never, 'y');
    expect(seen[0]).toBe(0);
    expect(seen.at(-1)).toBe(1);
    expect(seen.length).toBeGreaterThan(1);
  });
});
