/**
 * A team's runbook can name every guarded action, not only the built-ins'
 * ones: each step below goes through the same action the key and the CLI
 * use, on the sandbox, and is judged by what the sandbox says afterwards.
 */
import { describe, expect, it } from 'vitest';
import { useTempStateDir } from '../support/tempState.js';
import { harness } from './support.js';
import { parseRunbook } from '../../src/runbooks/library.js';
import { runbookSchema } from '../../src/runbooks/format.js';
import { HOLDER_PID } from '../../src/sources/sandbox/postgres.js';

useTempStateDir();
const signal = new AbortController().signal;

const yaml = (steps: string) => parseRunbook(`name: team-steps\ntitle: Team steps\nsteps:\n${steps}`, 'team-steps.yaml');

describe('runbook steps for the operator actions', () => {
  it('the format accepts each new action and refuses an unknown one, naming the choices', () => {
    for (const action of ['set-env', 'stop-task', 'restore-pitr', 'delete-jobs', 'queue-pause', 'queue-resume', 'pg-cancel', 'pg-terminate']) {
      expect(runbookSchema.safeParse({ name: 'x', title: 'x', steps: [{ id: 'a', action, with: {} }] }).success, action).toBe(true);
    }
    expect(() => yaml('  - { id: a, action: drop-database }')).toThrow(/steps\[0\]\.action: "drop-database" is not an action a runbook can run; one of .*pg-terminate/);
  });

  it('pg-terminate ends the blocking session: the blocked-query finding goes (db-saturation)', async () => {
    const h = harness('db-saturation');
    const { plan, run } = await h.plan(yaml(`  - { id: end-holder, action: pg-terminate, with: { database: primary, pid: ${HOLDER_PID} } }`));
    expect(plan.refusal).toBeUndefined();
    const result = await run(plan.phrase);
    expect(result.outcome, result.message).toBe('done');
    const pg = await h.sandbox.sources.postgres.read(signal);
    const primary = pg.databases.find((d) => d.name === 'primary')!;
    expect(primary.blocked.map((b) => b.blockedBy)).not.toContain(HOLDER_PID);
  });

  it('set-env registers a new revision with the flag and deploys it; the plan and the journal carry the name only', async () => {
    const h = harness('calm');
    const before = (await h.services()).get('api')!.taskDefinition;
    const { plan, run } = await h.plan(yaml(`  - { id: flag, action: set-env, with: { service: api, env: "CHECKOUT_V3=off" } }`));
    expect(plan.refusal).toBeUndefined();
    // what the box draws and the journal keeps: names, never values (the runbook file itself holds the value)
    expect(JSON.stringify([plan.summary, plan.changes, plan.calls, plan.details])).not.toContain('off');
    expect(JSON.stringify(plan.changes)).toContain('CHECKOUT_V3');
    const result = await run(plan.phrase);
    expect(result.outcome, result.message).toBe('done');
    const after = (await h.services()).get('api')!.taskDefinition;
    expect(after).not.toBe(before);
    expect(Number(after.split(':')[1])).toBeGreaterThan(Number(before.split(':')[1]));
  });

  it('queue-pause then queue-resume leave the BullMQ queue as it was, and pause is seen between', async () => {
    const h = harness('dlq-backlog');
    const paused = await h.plan(yaml(`  - { id: stop, action: queue-pause, with: { queue: emails } }`));
    expect(paused.plan.refusal).toBeUndefined();
    expect((await paused.run(paused.plan.phrase)).outcome).toBe('done');
    const q1 = await h.sandbox.sources.queues.read(signal);
    expect(JSON.stringify(q1)).toMatch(/"paused":true/);
    const resumed = await h.plan(yaml(`  - { id: go, action: queue-resume, with: { queue: emails } }`));
    expect((await resumed.run(resumed.plan.phrase)).outcome).toBe('done');
    const q2 = await h.sandbox.sources.queues.read(signal);
    expect(JSON.stringify(q2)).not.toMatch(/"paused":true/);
  });

  it('a bad parameter is one line naming the step\'s action and the key', async () => {
    const h = harness('calm');
    const { plan } = await h.plan(yaml(`  - { id: t, action: pg-cancel, with: { database: primary, pid: soon } }`));
    expect(plan.refusal).toMatch(/pg-cancel: "pid" must be a whole number/);
  });
});
