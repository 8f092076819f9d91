// rollback --to last-good on the sandbox's bad-deploy scenario: 44 ran for two
// days, 45 failed (circuit breaker), 46 is crash-looping now. The previous
// revision (45) is bad too; last-good must pick 44 and say why, and the plain
// rollback must warn that the previous revision is not known good.
import { afterEach, describe, expect, it } from 'vitest';
import { harness, type Harness } from './support.js';
import { runAction } from '../../src/actions/executor.js';
import { rollbackAction } from '../../src/actions/ecs/rollback.js';
import { findLastGood, journalTrail } from '../../src/actions/ecs/lastGood.js';
import type { EcsService } from '../../src/model/ecs.js';
import type { AuditRecord } from '../../src/audit/record.js';

const signal = new AbortController().signal;
let h: Harness | undefined;
afterEach(() => {
  h?.cleanup();
  h = undefined;
});

describe('last known good on the sandbox', () => {
  it('bad-deploy after two bad revisions: picks 44, passes over 45 with the reason, and the rollback recovers', async () => {
    h = await harness({ scenario: 'bad-deploy' });
    const svc = await h.ctx.ecs.service('demo', 'api', signal);
    expect(svc.taskDefinition).toBe('demo-api:46');
    const plan = await rollbackAction.plan(h.ctx, { cluster: 'demo', service: 'api', to: 'last-good' }, signal);
    expect(plan.refusal).toBeUndefined();
    expect(plan.changes).toEqual([{ field: 'taskDefinition', before: 'demo-api:46', after: 'demo-api:44' }]);
    const text = plan.details.join('\n');
    expect(text).toMatch(/Last known good: demo-api:44/);
    expect(text).toMatch(/✓ deployment \d+ reached a steady state at .* \(SUCCESSFUL\), ran 2\.\d d until .* ≥ 10 min/);
    expect(text).toMatch(/Passed over demo-api:45:\n  ✗ deployment \d+ at .* never reached a steady state: STOPPED \(ECS deployment circuit breaker: tasks failed to start\.\)/);
    const r = await runAction(h.deps, { action: rollbackAction, ctx: h.ctx, plan, typed: 'api' });
    expect(r.outcome, r.message).toBe('done');
    expect((await h.ctx.ecs.service('demo', 'api', signal)).taskDefinition).toBe('demo-api:44');
  });

  it('the plain rollback goes to the previous revision but warns that it is not known good', async () => {
    h = await harness({ scenario: 'bad-deploy' });
    const plan = await rollbackAction.plan(h.ctx, { cluster: 'demo', service: 'api' }, signal);
    expect(plan.changes[0]).toMatchObject({ before: 'demo-api:46', after: 'demo-api:45' });
    expect(plan.details[0]).toMatch(/^WARNING demo-api:45, the previous revision, is not known good: deployment \d+ .* never reached a steady state/);
    expect(plan.details[1]).toBe('The last known good is demo-api:44: roll back with --to last-good (in the dashboard, type good).');
  });

  it('a steady revision that ran shorter than the configured time is passed over; a longer setting can leave none', async () => {
    h = await harness({ scenario: 'bad-deploy' });
    h.ctx.lastGoodSteadyMs = () => 3 * 24 * 3_600_000;
    const plan = await rollbackAction.plan(h.ctx, { cluster: 'demo', service: 'api', to: 'last-good' }, signal);
    expect(plan.refusal).toMatch(/no revision of demo-api before 46 shows that it ran steady for 4320 min without a crash loop/);
    expect(plan.details.join('\n')).toMatch(/✗ .*shorter than the 3\.0 d a last good revision must have run/);
  });

  it('calm: the previous revision is the last good one only with evidence; without history it is judged from what ECS lists', async () => {
    h = await harness({ scenario: 'calm' });
    const plan = await rollbackAction.plan(h.ctx, { cluster: 'demo', service: 'api', to: 'last-good' }, signal);
    // 41–43 were never deployed in the sandbox's history: no evidence, so no last good revision
    expect(plan.refusal).toMatch(/no revision of demo-api before 44/);
    expect(plan.details.join('\n')).toMatch(/✗ no deployment of demo-api:43 in the service's history/);
  });
});

describe('the journal as evidence', () => {
  const svc = (over: Partial<EcsService> = {}): EcsService => ({
    cluster: 'c', name: 'api', status: 'ACTIVE', desired: 2, running: 2, pending: 0, taskDefinition: 'web:9', family: 'web', revision: 9, rollout: 'COMPLETED',
    deployments: [], events: [], stoppedTasks: [], cpu: [], memory: [], ...over,
  });
  const T = Date.UTC(2026, 0, 10, 12);
  const rec = (over: Partial<AuditRecord>): AuditRecord => ({
    seq: 1, time: new Date(T).toISOString(), operator: { user: 'u', host: 'h' }, environment: 'prod', action: 'rollback', target: 'prod/api', phase: 'outcome',
    plan: { changes: [{ field: 'taskDefinition', before: 'web:8', after: 'web:7' }] }, phraseAccepted: true, outcome: 'ok', detail: '', requestIds: [], durationMs: 1, prevHash: '', hash: '', ...over,
  });

  it('a revision an operator rolled back away from is not good, even after a successful deployment', () => {
    const trail = journalTrail([rec({}), rec({ phase: 'verify', time: new Date(T + 60_000).toISOString() })], 'prod', 'prod/api');
    expect(trail.leftAt).toEqual([{ ref: 'web:8', at: T }]);
    expect(trail.arrivedAt).toEqual([{ ref: 'web:7', at: T + 60_000, action: 'rollback' }]);
    const history = [
      { id: 'd3', taskDefinition: 'web:9', status: 'SUCCESSFUL', createdAt: T + 3_600_000, finishedAt: T + 3_700_000 },
      { id: 'd2', taskDefinition: 'web:7', status: 'SUCCESSFUL', createdAt: T, finishedAt: T + 60_000 },
      { id: 'd1', taskDefinition: 'web:8', status: 'SUCCESSFUL', createdAt: T - 86_400_000, finishedAt: T - 86_000_000 },
    ];
    const found = findLastGood({ svc: svc(), revisions: ['web:9', 'web:8', 'web:7'], history, journal: trail, now: T + 7_200_000, steadyMs: 600_000 });
    expect(found.ref).toBe('web:7');
    expect(found.judged[0]!.good).toBe(false);
    expect(found.judged[0]!.evidence.join('\n')).toMatch(/an operator rolled back away from web:8/);
    expect(found.judged[1]!.evidence.join('\n')).toMatch(/journal: opsdeck's rollback to web:7 was verified/);
  });

  it('a crash loop inside the window, from the events, makes a steady deployment bad', () => {
    const history = [
      { id: 'd2', taskDefinition: 'web:9', status: 'SUCCESSFUL', createdAt: T + 3_600_000, finishedAt: T + 3_700_000 },
      { id: 'd1', taskDefinition: 'web:8', status: 'SUCCESSFUL', createdAt: T, finishedAt: T + 60_000 },
    ];
    const events = [{ id: 'e1', at: T + 1_800_000, message: '(service api) is unable to consistently start tasks successfully.' }, { id: 'e0', at: T - 1, message: '(service api) has reached a steady state.' }];
    const found = findLastGood({ svc: svc({ events }), revisions: ['web:9', 'web:8'], history, now: T + 7_200_000, steadyMs: 600_000 });
    expect(found.ref).toBeUndefined();
    expect(found.judged[0]!.evidence[0]).toMatch(/but crash-looped then \(1 crash events/);
  });
});
