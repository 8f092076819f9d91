// The sandbox's tasks: what the ECS detail lists and stop-task acts on. A
// stopped task drains and stops, and its service starts a replacement, as
// the ECS scheduler does.
import { describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sources/sandbox/index.js';
import { sandboxAt, signal } from './helpers.js';

const apiTasks = async (sb: Sandbox) => (await sb.sources.ecs.describe(signal)).services.find((s) => s.name === 'api')!;

describe('the sandbox tasks', () => {
  it('lists each service\'s tasks with ids, revisions, zones and health, the same on every read at one time', async () => {
    const { sb, clock } = sandboxAt();
    const svc = await apiTasks(sb);
    expect(svc.tasks).toHaveLength(svc.desired);
    for (const t of svc.tasks!) {
      expect(t.id).toMatch(/^[0-9a-f]{32}$/);
      expect(t.taskArn).toBe(`arn:aws:ecs:us-east-1:000000000000:task/demo/${t.id}`);
      expect(t.taskDefinition).toBe(svc.taskDefinition);
      expect(t.revision).toBe(svc.revision);
      expect(t.lastStatus).toBe('RUNNING');
      expect(t.health).toBe('HEALTHY');
      expect(t.availabilityZone).toMatch(/^us-east-1[abc]$/);
      expect(t.startedAt).toBeLessThanOrEqual(clock.now());
    }
    expect((await apiTasks(sb)).tasks).toEqual(svc.tasks);
  });

  it('a stopped task drains, stops with its reason, and the service starts a replacement that turns healthy', async () => {
    const { sb, clock } = sandboxAt();
    const before = (await apiTasks(sb)).tasks!;
    const victim = before[1]!;
    await sb.stopTask('demo', victim.id, 'opsdeck: stopped by test', signal);
    // desired RUNNING no more: ListTasks' default leaves it out at once; DescribeTasks shows it draining
    expect((await apiTasks(sb)).tasks!.map((t) => t.id)).not.toContain(victim.id);
    expect((await sb.describeTask('demo', victim.taskArn, signal))).toMatchObject({ desiredStatus: 'STOPPED', lastStatus: 'DEACTIVATING' });
    clock.advance(90_000);
    const after = await apiTasks(sb);
    expect(after.desired).toBe(3);
    expect(after.running).toBe(3);
    const ids = after.tasks!.map((t) => t.id);
    expect(ids).toHaveLength(3);
    expect(ids).toEqual(expect.arrayContaining([before[0]!.id, before[2]!.id]));
    const fresh = after.tasks!.find((t) => !before.some((b) => b.id === t.id))!;
    expect(fresh.taskDefinition).toBe(after.taskDefinition);
    expect(fresh.health).toBe('HEALTHY');
    expect(after.stoppedTasks[0]).toMatchObject({ taskArn: victim.taskArn, stopCode: 'UserInitiated', stoppedReason: 'opsdeck: stopped by test' });
    expect(await sb.describeTask('demo', victim.id, signal)).toMatchObject({ lastStatus: 'STOPPED', desiredStatus: 'STOPPED' });
  });

  it('the same seed and time give the same tasks, ids and zones included', async () => {
    const one = (await apiTasks(sandboxAt().sb)).tasks;
    const two = (await apiTasks(sandboxAt().sb)).tasks;
    expect(two).toEqual(one);
    expect((await apiTasks(sandboxAt('calm', 43).sb)).tasks!.map((t) => t.id)).not.toEqual(one!.map((t) => t.id));
  });

  it('a replacement is UNKNOWN until its health check passes', async () => {
    const { sb, clock } = sandboxAt();
    const victim = (await apiTasks(sb)).tasks![0]!;
    await sb.stopTask('demo', victim.id, 'r', signal);
    let seen: string[] = [];
    for (let i = 0; i < 60; i++) {
      clock.advance(2_000);
      const fresh = (await apiTasks(sb)).tasks!.find((t) => t.createdAt > victim.createdAt && t.id !== victim.id);
      if (fresh) seen.push(`${fresh.lastStatus}/${fresh.health}`);
    }
    seen = [...new Set(seen)];
    expect(seen[0]).toBe('PENDING/UNKNOWN');
    expect(seen).toContain('RUNNING/UNKNOWN');
    expect(seen.at(-1)).toBe('RUNNING/HEALTHY');
  });
});

