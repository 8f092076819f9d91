// Each sandbox scenario stages its own problems and no others; calm stages none.
import { describe, it, expect } from 'vitest';
import { createSandbox, SCENARIOS, type Scenario } from '../../src/sources/sandbox/index.js';
import { ManualClock } from '../../src/engine/clock.js';
import { runChecks } from '../../src/checks/run.js';

const START = Date.parse('2026-11-22T09:00:00Z');

const STAGED: Record<Scenario, { required: string[]; allowed: string[] }> = {
  calm: { required: [], allowed: [] },
  'error-spike': { required: ['logs.error-rate'], allowed: ['logs.error-rate', 'health.probe'] },
  'bad-deploy': { required: ['ecs.running-below-desired', 'ecs.crash-loop'], allowed: ['ecs.running-below-desired', 'ecs.crash-loop', 'logs.error-rate', 'health.probe'] },
  'dlq-backlog': { required: ['queues.dead-letter'], allowed: ['queues.dead-letter'] },
  'db-saturation': { required: ['postgres.connections', 'postgres.blocked'], allowed: ['postgres.connections', 'postgres.blocked'] },
  'unsafe-scale': { required: ['ecs.topology'], allowed: ['ecs.topology'] },
};

async function findingsAfter(scenario: Scenario, seconds: number) {
  const clock = new ManualClock(START);
  const sandbox = createSandbox({ scenario, seed: 7, clock });
  clock.advance(seconds * 1000);
  const report = await runChecks({ sources: sandbox.sources, env: 'demo', thresholds: sandbox.environment.thresholds, now: clock.now() });
  await sandbox.sources.close();
  return report;
}

describe('checks against the sandbox scenarios', () => {
  for (const scenario of SCENARIOS) {
    for (const seconds of [0, 90, 600]) {
      it(`${scenario} after ${seconds}s raises exactly what it stages`, async () => {
        const report = await findingsAfter(scenario, seconds);
        const raised = new Set(report.findings.filter((f) => f.severity !== 'ok').map((f) => f.checkId));
        expect(report.findings.filter((f) => f.severity === 'unknown')).toEqual([]);
        for (const id of STAGED[scenario].required) expect([...raised], `${scenario} should raise ${id}`).toContain(id);
        for (const id of raised) expect(STAGED[scenario].allowed, `${scenario} should not raise ${id}`).toContain(id);
        expect(report.exitCode).toBe(scenario === 'calm' ? 0 : report.status === 'crit' ? 2 : 1);
      });
    }
  }

  it('the topology finding suggests scaling the service to 1', async () => {
    const report = await findingsAfter('unsafe-scale', 0);
    const f = report.findings.find((x) => x.checkId === 'ecs.topology' && x.severity === 'crit');
    expect(f?.subject).toBe('demo/scheduler');
    expect(f?.suggested).toMatchObject({ action: 'scale', target: 'scheduler' });
  });

  it('threshold overrides change the verdict', async () => {
    const clock = new ManualClock(START);
    const sandbox = createSandbox({ scenario: 'db-saturation', seed: 7, clock });
    const report = await runChecks({ sources: sandbox.sources, env: 'demo', thresholds: { dbConnectionsPercent: { warn: 99, crit: 100 } }, now: clock.now() });
    expect(report.findings.find((f) => f.checkId === 'postgres.connections')?.severity).toBe('ok');
  });

  it('a source that does not answer makes its checks unknown, with the reason', async () => {
    const clock = new ManualClock(START);
    const sandbox = createSandbox({ scenario: 'calm', seed: 7, clock });
    const sources = { ...sandbox.sources, postgres: { read: () => new Promise<never>(() => {}) } };
    const report = await runChecks({ sources, env: 'demo', now: clock.now(), timeoutMs: 50 });
    const pg = report.findings.filter((f) => f.area === 'postgres');
    expect(pg.length).toBeGreaterThan(0);
    for (const f of pg) {
      expect(f.severity).toBe('unknown');
      expect(f.message).toMatch(/^[A-Z].*\? could not read postgres: postgres: no answer within 50 ms$/);
    }
    expect(report.exitCode).toBe(3);
  });
});

describe('the backup check while tonight\'s snapshot is being taken', () => {
  it('calm at 03:12 UTC is ok: a `creating` snapshot is judged by the last available one', async () => {
    const clock = new ManualClock(Date.parse('2026-11-22T03:12:00Z'));
    const sandbox = createSandbox({ scenario: 'calm', seed: 7, clock });
    const report = await runChecks({ sources: sandbox.sources, env: 'demo', now: clock.now() });
    const f = report.findings.find((x) => x.checkId === 'rds.snapshot-age');
    expect(f?.severity).toBe('ok');
    expect(f?.figure).toMatch(/creating/);
  });
});

describe('crash loop after a rollback', () => {
  it('stops of the bad revision no longer count once the service runs the previous one', async () => {
    const { rollbackAction } = await import('../../src/actions/ecs/rollback.js');
    const { runAction } = await import('../../src/actions/executor.js');
    const { harness } = await import('../actions/support.js');
    const h = await harness({ scenario: 'bad-deploy' });
    try {
      const signal = new AbortController().signal;
      const before = await runChecks({ sources: h.sandbox.sources, env: 'demo', now: h.clock.now() });
      expect(before.findings.some((f) => f.checkId === 'ecs.crash-loop' && f.severity === 'crit')).toBe(true);
      const plan = await rollbackAction.plan(h.ctx, { cluster: 'demo', service: 'api' }, signal);
      const r = await runAction(h.deps, { action: rollbackAction, ctx: h.ctx, plan, typed: 'api' });
      expect(r.outcome, r.message).toBe('done');
      const after = await runChecks({ sources: h.sandbox.sources, env: 'demo', now: h.clock.now() });
      expect(after.findings.filter((f) => f.checkId === 'ecs.crash-loop' && f.severity !== 'ok')).toEqual([]);
    } finally {
      h.cleanup();
    }
  });
});
