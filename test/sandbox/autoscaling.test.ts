// The sandbox's Application Auto Scaling: a count below the minimum is raised
// back once the scale-out alarm has seen it (RAISE_AFTER_MS), unless suspended.
import { describe, expect, it } from 'vitest';
import { ALL_SUSPENDED, NONE_SUSPENDED } from '../../src/model/autoscaling.js';
import { RAISE_AFTER_MS } from '../../src/sources/sandbox/autoscaling.js';
import { sandboxAt, signal } from './helpers.js';

const desiredOf = async (sb: ReturnType<typeof sandboxAt>['sb'], name: string) => (await sb.sources.ecs.describe(signal)).services.find((s) => s.name === name)!;

describe('sandbox autoscaling', () => {
  it('raises api scaled to 0 back to its minimum 2 unless suspended; the snapshot shows the target', async () => {
    const { sb, clock } = sandboxAt();
    expect((await desiredOf(sb, 'api')).autoscaling).toEqual({ resourceId: 'service/demo/api', min: 2, max: 6, suspended: NONE_SUSPENDED });
    expect((await desiredOf(sb, 'scheduler')).autoscaling).toBeUndefined();
    await sb.setDesiredCount('demo', 'api', 0);
    clock.advance(RAISE_AFTER_MS - 5_000);
    expect((await desiredOf(sb, 'api')).desired).toBe(0);
    clock.advance(10_000);
    expect((await desiredOf(sb, 'api')).desired).toBe(2);

    await sb.setScalingSuspended('demo', 'api', ALL_SUSPENDED);
    await sb.setDesiredCount('demo', 'api', 0);
    clock.advance(3 * RAISE_AFTER_MS);
    const api = await desiredOf(sb, 'api');
    expect([api.desired, api.running]).toEqual([0, 0]);
    expect(api.autoscaling?.suspended).toEqual(ALL_SUSPENDED);
    await expect(sb.setScalingSuspended('demo', 'scheduler', ALL_SUSPENDED)).rejects.toMatchObject({ name: 'ValidationException' });
  });
});
