/**
 * Every built-in runbook rehearsed on the sandbox scenario that needs it, and
 * judged by the end state it leaves (what ECS / the queues / the judge say
 * afterwards), not only by its outcome.
 */
import { describe, expect, it } from 'vitest';
import { useTempStateDir } from '../support/tempState.js';
import { harness } from './support.js';
import { readRuns } from '../../src/runbooks/records.js';
import { currentIncident, readTimeline } from '../../src/incident/index.js';

useTempStateDir();
const signal = new AbortController().signal;

describe('built-in runbooks rehearsed on their scenario', () => {
  it('unsafe-topology (unsafe-scale): the service without its shared store is forced to one task and the topology finding is gone', async () => {
    const h = harness('unsafe-scale');
    const { plan, run } = await h.plan('unsafe-topology');
    expect(plan.refusal).toBeUndefined();
    expect(plan.changes).toEqual([{ field: 'scheduler desiredCount', before: expect.stringMatching(/^[2-9]$/), after: '1' }]);
    const result = await run('unsafe-topology');
    expect(result.outcome, result.message).toBe('done');
    const scheduler = (await h.services()).get('scheduler');
    expect(scheduler).toMatchObject({ desired: 1, running: 1 });
    expect(readRuns()[0]?.steps.find((s) => s.key === 'single-instance')?.outcome).toBe('done');
    const timeline = readTimeline(currentIncident()!.timelinePath).entries.map((e) => JSON.stringify(e)).join('\n');
    expect(timeline).toContain('scheduler desiredCount 3 → 1; a single instance runs');
    expect(timeline).toMatch(/step single-instance done: no finding ecs.topology/);
  });

  it('unsafe-topology on a calm fleet is refused before anything runs: its first check does not hold', async () => {
    const h = harness('calm');
    const { run } = await h.plan('unsafe-topology');
    const result = await run('unsafe-topology');
    expect(result.outcome).toBe('failed');
    expect(result.message).toMatch(/expected finding ecs\.topology is present/);
    expect(currentIncident()).toBeUndefined();
  });

  it('bad-deploy (bad-deploy): the crash-looping service is rolled back to an earlier revision and the crash loop ends', async () => {
    const h = harness('bad-deploy');
    // the scenario's deploy goes bad a little after the start
    let planned = await h.plan('bad-deploy');
    for (let i = 0; i < 40 && planned.plan.refusal === undefined && !planned.plan.changes.length; i++) {
      h.clock.advance(30_000);
      planned = await h.plan('bad-deploy');
    }
    const before = await h.services();
    const change = planned.plan.changes[0];
    expect(change?.field).toMatch(/taskDefinition$/);
    const service = change!.field.split(' ')[0]!;
    expect(before.get(service)?.taskDefinition).toBe(change!.before);
    const result = await planned.run('bad-deploy');
    expect(result.outcome, result.message).toBe('done');
    expect((await h.services()).get(service)?.taskDefinition).toBe(change!.after);
    const findings = await h.sandbox.sources.ecs.describe(signal);
    expect(findings.services.find((s) => s.name === service)?.running).toBeGreaterThan(0);
  });

  it('dlq-overflow (dlq-backlog): after "yes, fixed" the dead letters are requeued and the dead-letter finding goes', async () => {
    const h = harness('dlq-backlog');
    const { plan, run } = await h.plan('dlq-overflow', { answers: { 'cause-fixed': 'yes' } });
    expect(plan.refusal).toBeUndefined();
    const queues = await h.sandbox.sources.queues.read(signal);
    const dead = queues.queues.filter((q) => (q.failed ?? 0) > 0);
    expect(dead.length).toBeGreaterThan(0);
    const result = await run('dlq-overflow');
    expect(result.outcome, result.message).toBe('done');
    const after = await h.sandbox.sources.queues.read(signal);
    for (const q of dead) expect(after.queues.find((x) => x.name === q.name)?.failed ?? 0).toBeLessThan(q.failed!);
  });

  it('dlq-overflow answered "no" requeues nothing', async () => {
    const h = harness('dlq-backlog');
    const before = await h.sandbox.sources.queues.read(signal);
    const { run } = await h.plan('dlq-overflow', { answers: { 'cause-fixed': 'no' } });
    const result = await run('dlq-overflow');
    expect(result.outcome, result.message).toBe('done');
    const requeues = readRuns()[0]?.steps.filter((s) => s.step === 'requeue') ?? [];
    expect(requeues.length).toBeGreaterThan(0);
    expect(requeues.every((s) => s.outcome === 'skipped')).toBe(true);
    const after = await h.sandbox.sources.queues.read(signal);
    expect(after.queues.map((q) => q.failed)).toEqual(before.queues.map((q) => q.failed));
  });
});
