import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { useTempStateDir } from '../support/tempState.js';
import { harness } from './support.js';
import { AuditJournal } from '../../src/audit/journal.js';
import { readRuns } from '../../src/runbooks/records.js';
import { currentIncident, readTimeline } from '../../src/incident/index.js';

useTempStateDir();

const WRITERS = { api: 3, worker: 2, scheduler: 1 };

describe('stop-all-writes and restore-writes on the sandbox', () => {
  it('plans every step and asks for the runbook\'s one phrase', async () => {
    const h = harness();
    const { plan } = await h.plan('stop-all-writes');
    expect(plan.refusal).toBeUndefined();
    expect(plan.tier).toBe('destructive');
    expect(plan.phrase).toBe('stop-all-writes');
    expect(plan.changes.map((c) => `${c.field} ${c.before}→${c.after}`)).toEqual([
      expect.stringMatching(/^demo-db manual snapshot \(none\)→demo-db-opsdeck-/),
      ...['api', 'worker'].flatMap((s) => ['DynamicScalingInSuspended', 'DynamicScalingOutSuspended', 'ScheduledScalingSuspended'].map((f) => `${s} ${f} false→true`)),
      'api desiredCount 3→0',
      'worker desiredCount 2→0',
      'scheduler desiredCount 1→0',
    ]);
    expect(plan.details.join('\n')).toMatch(/\[incident\] open an incident/);
  });

  it('in a protected environment the phrase carries the environment', async () => {
    const h = harness('calm', { protected: true });
    const { plan } = await h.plan('stop-all-writes');
    expect(plan.phrase).toBe('demo/stop-all-writes');
  });

  it('a wrong phrase runs nothing', async () => {
    const h = harness();
    const { run } = await h.plan('stop-all-writes');
    const result = await run('stop-all-write');
    expect(result.outcome).toBe('refused');
    const after = await h.services();
    expect([...after].map(([n, s]) => [n, s.desired])).toEqual(Object.entries(WRITERS));
    expect(readRuns()).toEqual([]);
  });

  it('stops every writer, snapshots every database, opens an incident listing each step; restore-writes brings the recorded counts back', async () => {
    const h = harness();
    const stop = await h.plan('stop-all-writes');
    const result = await stop.run('stop-all-writes');
    expect(result.outcome, result.message).toBe('done');

    for (const [name, s] of await h.services()) expect({ name, desired: s.desired, running: s.running }).toEqual({ name, desired: 0, running: 0 });
    // the sandbox's autoscaling raises a count below its minimum after a few minutes unless suspended
    const stopped = await h.services();
    expect([stopped.get('api')?.suspended, stopped.get('worker')?.suspended]).toEqual([true, true]);
    h.clock.advance(10 * 60_000);
    for (const [, s] of await h.services()) expect(s.desired).toBe(0);
    const rds = await h.sandbox.sources.rds.describe(new AbortController().signal);
    const taken = stop.plan.changes[0]!.after;
    expect(rds.snapshots.filter((s) => s.id === taken).map((s) => [s.instanceId, s.type, s.status])).toEqual([['demo-db', 'manual', 'available']]);

    const incident = currentIncident();
    expect(incident?.title).toBe('All writes stopped in demo (runbook stop-all-writes)');
    const timeline = readTimeline(incident!.timelinePath).entries.map((e) => JSON.stringify(e)).join('\n');
    for (const key of ['snapshot:demo-db', 'scale-to-zero:api', 'scale-to-zero:worker', 'scale-to-zero:scheduler']) expect(timeline).toContain(`step ${key}`);
    expect(timeline).toContain('api desiredCount 3 → 0; worker desiredCount 2 → 0; scheduler desiredCount 1 → 0');

    const [run] = readRuns();
    expect(run?.status).toBe('done');
    // the snapshot, started first in the background, ends whenever it becomes available
    expect(run?.steps.map((s) => `${s.key}=${s.outcome}`).sort()).toEqual([
      'suspend-autoscaling:api=done',
      'suspend-autoscaling:worker=done',
      'suspend-autoscaling:scheduler=skipped',
      'scale-to-zero:api=done',
      'scale-to-zero:worker=done',
      'scale-to-zero:scheduler=done',
      'incident=done',
      'record=done',
      'snapshot:demo-db=done',
    ].sort());

    // every step went through the executor: intent, outcome and verify, as a step of the run
    const journal = AuditJournal.open(process.env).read();
    const steps = journal.filter((r) => r.phase === 'intent' && r.detail.includes('a step of Run runbook stop-all-writes'));
    expect(steps.map((r) => `${r.action} ${r.target}`).sort()).toEqual([
      'autoscaling-suspend demo/api',
      'autoscaling-suspend demo/worker',
      'scale demo/api',
      'scale demo/scheduler',
      'scale demo/worker',
      'snapshot demo/demo-db',
    ]);
    expect(journal.filter((r) => r.action === 'runbook').map((r) => `${r.phase}:${r.outcome ?? '-'}`)).toEqual(['intent:-', 'outcome:ok', 'verify:ok']);

    const restore = await h.plan('restore-writes', { answers: { 'data-checked': 'yes' } });
    expect(restore.plan.refusal).toBeUndefined();
    expect(restore.plan.changes.map((c) => `${c.field} ${c.before}→${c.after}`)).toEqual([
      'api desiredCount 0→3',
      'worker desiredCount 0→2',
      'scheduler desiredCount 0→1',
      ...['api', 'worker'].flatMap((s) => ['DynamicScalingInSuspended', 'DynamicScalingOutSuspended', 'ScheduledScalingSuspended'].map((f) => `${s} ${f} true→false`)),
    ]);
    const back = await restore.run('restore-writes');
    expect(back.outcome, back.message).toBe('done');
    expect([...(await h.services())].map(([n, s]) => [n, s.desired, s.running])).toEqual(Object.entries(WRITERS).map(([n, c]) => [n, c, c]));
    const back2 = await h.services();
    expect([back2.get('api')?.suspended, back2.get('worker')?.suspended]).toEqual([false, false]);
  });

  it('restore-writes without a finished stop-all-writes stops at its scale step, saying why, and changes nothing', async () => {
    const h = harness();
    const { plan } = await h.plan('restore-writes', { answers: { 'data-checked': 'yes' } });
    // the scale step is guarded by the answer, so it is planned when reached; the run then stops there
    const result = await (await h.plan('restore-writes', { answers: { 'data-checked': 'yes' } })).run('restore-writes');
    expect(plan.details.join('\n')).toMatch(/no finished run of "stop-all-writes"/);
    expect(result.outcome).toBe('failed');
    expect(result.message).toMatch(/no finished run of "stop-all-writes" in demo/);
    expect([...(await h.services())].map(([n, s]) => [n, s.desired])).toEqual(Object.entries(WRITERS));
  });

  it('an interrupted run is recorded and resume continues from the first step not done, without running a done step again', async () => {
    const h = harness();
    const first = await h.plan('stop-all-writes');
    const ctl = new AbortController();
    const watch = setInterval(() => {
      if (h.lines.some((l) => l.includes('done    scale-to-zero:api'))) ctl.abort(new Error('interrupted'));
    }, 1);
    const result = await first.run('stop-all-writes', ctl.signal);
    clearInterval(watch);
    expect(result.outcome).toBe('failed');
    const [stopped] = readRuns();
    expect(stopped?.status).toBe('stopped');
    expect(stopped?.steps.find((s) => s.key === 'scale-to-zero:api')?.outcome).toBe('done');
    expect(result.message).toMatch(/runbook resume/);

    const again = await h.plan('stop-all-writes', { resume: stopped! });
    const resumePlan = again.plan.details.join('\n');
    expect(resumePlan).toMatch(/\[done\] Scale every writer to 0 api: done in stop-all-writes-/);
    // not run again, but said as recorded: a skip is not called done, nor a background call whose verification was never awaited
    expect(resumePlan).toMatch(/\[done\] Suspend each writer's autoscaling scheduler: skipped in stop-all-writes-/);
    const snapshot = stopped?.steps.find((s) => s.key === 'snapshot:demo-db')?.outcome;
    expect(resumePlan).toContain(`demo-db: ${snapshot === 'started' ? 'started (its call was accepted; its verification was not awaited)' : 'done'} in stop-all-writes-`);
    const resumed = await again.run('stop-all-writes');
    expect(resumed.outcome, resumed.message).toBe('done');
    for (const [, s] of await h.services()) expect(s.desired).toBe(0);
    const runs = readRuns();
    expect(runs).toHaveLength(1);
    expect(runs[0]?.status).toBe('done');
    const apiScales = AuditJournal.open(process.env).read().filter((r) => r.action === 'scale' && r.target === 'demo/api' && r.phase === 'intent');
    expect(apiScales).toHaveLength(1);
    expect(readFileSync(`${process.env.OPSDECK_STATE_DIR}/runbooks/${runs[0]!.id}.json`, 'utf8')).toContain('"status": "done"');
  });
});
